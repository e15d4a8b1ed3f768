"""Translatable fields: Arabic is required, English optional (falls back to Arabic)."""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    Governorate,
    Meeting,
    Organization,
    Participation,
    Person,
    Position,
    Project,
    Recommendation,
    RecommendationUpdate,
    StakeholderGroup,
    Tag,
    Theme,
)


def translate(model, *fields, required=()):
    options = type(
        f"{model.__name__}TranslationOptions",
        (TranslationOptions,),
        {"fields": fields, "required_languages": {"ar": required}},
    )
    register(model)(options)


translate(Governorate, "name", required=("name",))
translate(StakeholderGroup, "name", "description", required=("name",))
translate(Organization, "name", "acronym", "description", required=("name",))
translate(Person, "name", required=("name",))
translate(Position, "title", required=("title",))
translate(Project, "name", "description", required=("name",))
translate(Tag, "name", required=("name",))
translate(Theme, "name", required=("name",))
translate(Meeting, "title", "city", "venue", "summary", "minutes", required=("title",))
translate(Participation, "statement")
translate(Recommendation, "text", required=("text",))
translate(RecommendationUpdate, "note")

"""The import pages of the staff workspace (docs/import.md): upload, preview, confirm, result.

sanad/urls.py mounts them under staff/ in the "staff" namespace, beside meetings/staff_urls.py,
so that the meetings app knows nothing of the imports app."""

from django.urls import path

from . import views as imports

urlpatterns = [
    path("organizations/<str:slug>/import/", imports.import_start, name="import_start"),
    path("import/templates/<str:name>", imports.import_template, name="import_template"),
    path("import/<uuid:key>/", imports.import_preview, name="import_preview"),
    path("import/<uuid:key>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<uuid:key>/result/", imports.import_result, name="import_result"),
]

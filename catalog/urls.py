from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    # Browsing the catalog
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path(
        "products/<slug:slug>/",
        views.ProductDetailView.as_view(),
        name="product-detail",
    ),
    path("mechanisms/", views.MechanismListView.as_view(), name="mechanism-list"),
    path(
        "mechanisms/<slug:slug>/",
        views.MechanismDetailView.as_view(),
        name="mechanism-detail",
    ),
    path("diseases/", views.disease_list, name="disease-list"),
    path("diseases/<slug:slug>/", views.disease_detail, name="disease-detail"),
    path("cell-sources/", views.CellSourceListView.as_view(), name="cell-source-list"),
    path(
        "cell-sources/<slug:slug>/",
        views.CellSourceDetailView.as_view(),
        name="cell-source-detail",
    ),
]

from django.urls import path

from catalog import exports, feeds, views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.search_suggestions, name="search-suggest"),
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
    path("agencies/", views.AgencyListView.as_view(), name="agency-list"),
    path("agencies/<slug:slug>/", views.agency_detail, name="agency-detail"),
    path("sponsors/", views.SponsorListView.as_view(), name="sponsor-list"),
    path("sponsors/<slug:slug>/", views.sponsor_detail, name="sponsor-detail"),
    path("targets/", views.TargetListView.as_view(), name="target-list"),
    path(
        "targets/<slug:slug>/", views.TargetDetailView.as_view(), name="target-detail"
    ),
    path("compare/", views.compare, name="compare"),
    # Explainers
    path("glossary/", views.glossary, name="glossary"),
    path("guides/<slug:slug>/", views.GuideDetailView.as_view(), name="guide-detail"),
    # Open data
    path("products/export.csv", exports.product_export, name="product-export"),
    path("downloads/", exports.downloads, name="downloads"),
    path(
        "downloads/celltx-products.json",
        exports.products_json,
        name="download-products-json",
    ),
    path("downloads/celltx-<slug:table>.csv", exports.table_csv, name="download-csv"),
    path(
        "downloads/datapackage.json",
        exports.datapackage,
        name="download-datapackage",
    ),
    path("changelog/", feeds.changelog, name="changelog"),
    path("changelog/feed.atom", feeds.ChangelogFeed(), name="changelog-feed"),
    # About the data
    path("about/data/", views.methodology, name="methodology"),
    path("style/", views.style_guide, name="style"),
    path(
        "cell-sources/<slug:slug>/",
        views.CellSourceDetailView.as_view(),
        name="cell-source-detail",
    ),
]

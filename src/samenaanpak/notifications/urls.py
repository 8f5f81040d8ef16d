from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("volgen/", views.follow_by_email, name="follow_by_email"),
    path("volgen/verstuurd/", views.follow_sent, name="follow_sent"),
    path("volgen/bevestigen/<str:token>/", views.confirm, name="confirm"),
    path("volgen/afmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("volgen/onderwerp/<int:topic_id>/", views.follow_topic, name="follow"),
    path("volgen/onderwerp/<int:topic_id>/stoppen/", views.unfollow_topic, name="unfollow"),
    path("account/meldingen/", views.preferences, name="preferences"),
    path("account/meldingen/beheren/<str:token>/", views.manage, name="manage"),
    path("account/meldingen/adres/", views.reconfirm_request, name="reconfirm_request"),
    path("account/meldingen/adres/<str:token>/", views.reconfirm, name="reconfirm"),
]

from django.urls import path

from .views import referral, visit

app_name = "referrals"

urlpatterns = [
    # The referring (primary-care) doctor.
    path("", referral.referral_list, name="list"),
    path("new/", referral.referral_new, name="new"),
    path("<int:pk>/", referral.referral_detail, name="detail"),
    path("<int:pk>/send/", referral.referral_send, name="send"),
    path("<int:pk>/cancel/", referral.referral_cancel, name="cancel"),
    # Cancer Care intake (care-team staff).
    path("intake/", referral.intake, name="intake"),
    path("intake/<int:pk>/", referral.intake_detail, name="intake_detail"),
    path("intake/<int:pk>/accept/", referral.intake_accept, name="intake_accept"),
    path("intake/<int:pk>/reject/", referral.intake_reject, name="intake_reject"),
    path("intake/<int:pk>/complete/", referral.intake_complete, name="intake_complete"),
    path("intake/<int:pk>/cancel/", referral.intake_cancel, name="intake_cancel"),
    # The patient.
    path("mine/", visit.mine, name="mine"),
    path("<int:pk>/share/", visit.share, name="share"),
    path("<int:pk>/prepare/", visit.prepare, name="prepare"),
    path("<int:pk>/prepare/questions/", visit.VisitQuestionsView.as_view(), name="questions"),
]

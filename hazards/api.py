"""API of the hazard ledger: hazards (reported through ``hazard_report``, moved by one action
per lifecycle step), extensions, listings (挂牌督办), campaigns and citizen reports (the office's).

Reads are ``restrict``-ed by the base viewsets and filtered like the pages; every write calls
one service with ``actor=request.user``. A step's object is fetched in the user's view scope;
whether the user may take that step is the service's decision (its errors come back as 400
naming the field, or 403).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from portal.api import PortalViewSet, ReadOnlyPortalViewSet, router

from . import services
from .filters import HazardFilterSet
from .models import Campaign, CitizenReport, Hazard, HazardExtension, HazardListing
from .serializers import (
    CampaignSerializer,
    CitizenReportSerializer,
    CitizenTriageSerializer,
    CommentSerializer,
    DualReportCreateSerializer,
    DualReportSerializer,
    ExtensionDecideSerializer,
    ExtensionRequestSerializer,
    HazardConfirmSerializer,
    HazardExtensionSerializer,
    HazardListingSerializer,
    HazardPhotosSerializer,
    HazardPlanSerializer,
    HazardSerializer,
    HazardSubmitSerializer,
    ListingCreateSerializer,
    ListingProgressCreateSerializer,
    ReasonSerializer,
    RequiredCommentSerializer,
)

HAZARD_RELATED = ("township", "responsible_unit", "supervising_unit")


class ServiceStepMixin:
    """Lifecycle steps: POST to ``/<pk>/<step>/`` validates its input and calls one service."""

    def step_object(self):
        # In the user's view scope (404 outside it); the service checks the step itself.
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def step_input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def step_answer(self, obj, serializer_class=None, code=status.HTTP_200_OK):
        serializer_class = serializer_class or self.get_serializer_class()
        return Response(serializer_class(obj, context=self.get_serializer_context()).data, code)


class HazardViewSet(ServiceStepMixin, PortalViewSet):
    """隐患 — the ledger, filtered like the page. POST reports a hazard (``hazard_report``);
    PATCH corrects its description (``hazard_update``, refused once closed); each step of the
    rectification is an action."""

    queryset = Hazard.objects.select_related(*HAZARD_RELATED)
    serializer_class = HazardSerializer
    filterset_class = HazardFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    ordering_fields = ["found_on", "deadline", "code", "updated_at"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def perform_create(self, serializer):
        serializer.instance = services.hazard_report(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.hazard_update(
            actor=self.request.user, hazard=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=HazardConfirmSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """确认并交办: grade, responsible and supervising unit, deadline."""
        data = self.step_input(HazardConfirmSerializer)
        hazard = services.hazard_confirm(actor=request.user, hazard=self.step_object(), **data)
        return self.step_answer(hazard)

    @extend_schema(request=ReasonSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """驳回, with the reason."""
        data = self.step_input(ReasonSerializer)
        hazard = services.hazard_reject(actor=request.user, hazard=self.step_object(), **data)
        return self.step_answer(hazard if isinstance(hazard, Hazard) else self.step_object())

    @extend_schema(request=HazardPlanSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        """落实整改措施 (五落实)."""
        data = self.step_input(HazardPlanSerializer)
        hazard = services.hazard_plan(actor=request.user, hazard=self.step_object(), **data)
        return self.step_answer(hazard)

    @extend_schema(request=None, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """开始整改 (a 重大 hazard needs all five in place)."""
        hazard = services.hazard_start(actor=request.user, hazard=self.step_object())
        return self.step_answer(hazard)

    @extend_schema(request=HazardSubmitSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """提请验收, with the result and at least one after-photo (multipart)."""
        data = self.step_input(HazardSubmitSerializer)
        hazard = services.hazard_submit(actor=request.user, hazard=self.step_object(), **data)
        return self.step_answer(hazard)

    @extend_schema(request=CommentSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """验收通过并销号 (the supervising unit, never the unit that fixed it)."""
        data = self.step_input(CommentSerializer)
        hazard = services.hazard_accept(actor=request.user, hazard=self.step_object(), **data)
        return self.step_answer(hazard)

    @extend_schema(request=RequiredCommentSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"], url_path="send-back", url_name="send-back")
    def send_back(self, request, pk=None):
        """验收不通过: back to rectifying, with the reason."""
        data = self.step_input(RequiredCommentSerializer)
        hazard = services.hazard_send_back(actor=request.user, hazard=self.step_object(), **data)
        return self.step_answer(hazard)

    @extend_schema(request=HazardPhotosSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        """Add before/after photos (multipart)."""
        data = self.step_input(HazardPhotosSerializer)
        hazard = self.step_object()
        services.hazard_add_photos(actor=request.user, hazard=hazard, **data)
        return self.step_answer(hazard, code=status.HTTP_201_CREATED)

    @extend_schema(request=ExtensionRequestSerializer, responses=HazardExtensionSerializer)
    @action(detail=True, methods=["post"])
    def extension(self, request, pk=None):
        """申请延期: a later deadline and the reason."""
        data = self.step_input(ExtensionRequestSerializer)
        extension = services.extension_request(
            actor=request.user, hazard=self.step_object(), **data
        )
        return self.step_answer(extension, HazardExtensionSerializer, status.HTTP_201_CREATED)

    @extend_schema(request=ListingCreateSerializer, responses=HazardListingSerializer)
    @action(detail=True, methods=["post"], url_path="listing", url_name="listing")
    def listing(self, request, pk=None):
        """挂牌督办 (the office; 重大 and open hazards only)."""
        data = self.step_input(ListingCreateSerializer)
        listing = services.hazard_list(actor=request.user, hazard=self.step_object(), **data)
        return self.step_answer(listing, HazardListingSerializer, status.HTTP_201_CREATED)

    @extend_schema(request=DualReportCreateSerializer, responses=DualReportSerializer)
    @action(detail=True, methods=["post"], url_path="dual-report", url_name="dual-report")
    def dual_report(self, request, pk=None):
        """双报告: to the regulator or the workers' congress, with the date."""
        data = self.step_input(DualReportCreateSerializer)
        report = services.dual_report_record(actor=request.user, hazard=self.step_object(), **data)
        return self.step_answer(report, DualReportSerializer, status.HTTP_201_CREATED)


class HazardExtensionViewSet(ServiceStepMixin, ReadOnlyPortalViewSet):
    """延期申请 — read; the supervising unit decides (``decide``)."""

    queryset = HazardExtension.objects.select_related("hazard")
    serializer_class = HazardExtensionSerializer
    filterset_fields = ["hazard", "state"]

    @extend_schema(request=ExtensionDecideSerializer, responses=HazardExtensionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = self.step_input(ExtensionDecideSerializer)
        extension = services.extension_decide(
            actor=request.user, extension=self.step_object(), **data
        )
        return self.step_answer(extension)


class HazardListingViewSet(ServiceStepMixin, ReadOnlyPortalViewSet):
    """挂牌督办 — read with the quarterly progress; the responsible unit reports progress, the
    office lifts the listing once the hazard is closed."""

    queryset = HazardListing.objects.select_related("hazard").prefetch_related("progress")
    serializer_class = HazardListingSerializer
    filterset_fields = ["state"]

    @extend_schema(request=ListingProgressCreateSerializer, responses=HazardListingSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        data = self.step_input(ListingProgressCreateSerializer)
        listing = self.step_object()
        services.listing_progress_report(actor=request.user, listing=listing, **data)
        return self.step_answer(self.step_object(), code=status.HTTP_201_CREATED)

    @extend_schema(request=RequiredCommentSerializer, responses=HazardListingSerializer)
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        data = self.step_input(RequiredCommentSerializer)
        services.listing_lift(actor=request.user, listing=self.step_object(), **data)
        return self.step_answer(self.step_object())


class CampaignViewSet(PortalViewSet):
    """排查行动 — every unit reads them; the office creates and changes them."""

    queryset = Campaign.objects.select_related("lead_unit", "industry").prefetch_related(
        "townships"
    )
    serializer_class = CampaignSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    ordering_fields = ["starts_on", "name"]

    def perform_create(self, serializer):
        serializer.instance = services.campaign_save(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.campaign_save(
            actor=self.request.user, instance=serializer.instance, **serializer.validated_data
        )


class CitizenReportViewSet(ServiceStepMixin, ReadOnlyPortalViewSet):
    """群众举报 — the office's: triage into a hazard, or dismiss with a reason."""

    queryset = CitizenReport.objects.all()
    serializer_class = CitizenReportSerializer
    filterset_fields = ["state", "township"]

    @extend_schema(request=CitizenTriageSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        data = self.step_input(CitizenTriageSerializer)
        hazard = services.citizen_report_triage(
            actor=request.user, report=self.step_object(), **data
        )
        return self.step_answer(hazard, HazardSerializer, status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=CitizenReportSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        data = self.step_input(ReasonSerializer)
        report = services.citizen_report_dismiss(
            actor=request.user, report=self.step_object(), **data
        )
        return self.step_answer(report)


router.register("hazards", HazardViewSet, basename="hazard")
router.register("hazard-extensions", HazardExtensionViewSet, basename="hazardextension")
router.register("hazard-listings", HazardListingViewSet, basename="hazardlisting")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("citizen-reports", CitizenReportViewSet, basename="citizenreport")

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from reviews.choices import LinkKind, RecommendationKind, ReviewKind
from tracker.tenancy import council_of


class Council(models.Model):
    """A council that commissions peer reviews; every other record hangs off one."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, unique=True)
    updates_need_approval = models.BooleanField(
        "officers' updates need approval",
        default=False,
        help_text="When on, an officer's progress update is Submitted and counts only once the "
        "director of the action's directorate or the performance team accepts it.",
    )
    publishes_progress = models.BooleanField(
        "publish what Cabinet was told on a public page",
        default=False,
        help_text="When on, /public/<council>/ shows anyone, without signing in, each review's "
        "recommendations with the status and direction of the latest issued Cabinet report, "
        "and every issued report to download.",
    )
    publishes_lead_names = models.BooleanField(
        "name the leads on the public page",
        default=False,
        help_text="When on, the public page names each recommendation's lead member and lead "
        "officer as the issued report did. Off: no one's name is shown.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "council"

    def __str__(self):
        return self.short_name

    @property
    def slug(self) -> str:
        """The council in public addresses: ``/public/sefton/``."""
        return slugify(self.short_name)


class Directorate(models.Model):
    """A directorate or service of a council: the unit a director answers for."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="directorates")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["council", "name"]
        verbose_name = "directorate"
        constraints = [
            models.UniqueConstraint(
                fields=["council", "name"], name="%(app_label)s_%(class)s_unique_name"
            )
        ]

    def __str__(self):
        return self.name


class Portfolio(models.Model):
    """A Cabinet portfolio, held by a Cabinet member."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="portfolios")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["council", "name"]
        verbose_name = "Cabinet portfolio"
        constraints = [
            models.UniqueConstraint(
                fields=["council", "name"], name="%(app_label)s_%(class)s_unique_name"
            )
        ]

    def __str__(self):
        return self.name


def council_lock(council) -> None:
    """Make concurrent writers of one council's once-per-quarter records (a Cabinet report, an
    update round) take turns until the current transaction ends, so a double submit finds the
    first one's record instead of failing on the unique constraint. SQLite takes turns anyway:
    its transactions begin IMMEDIATE (settings)."""
    Council.objects.select_for_update().filter(pk=council.pk).exists()


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the reviews of the person's own council; IDs guessed across councils find none."""
        if user.is_superuser:
            return self
        return self.filter(council=council_of(user)) if council_of(user) else self.none()

    def latest_cpc(self):
        return self.filter(kind=ReviewKind.CPC).order_by("-onsite_start").first()


class Review(models.Model):
    """One peer review: a Corporate Peer Challenge, a revisit, a progress review or a finance
    peer review, with the deadlines the peer-challenge process sets for it."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="reviews")
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in URLs and commands.")
    kind = models.CharField(max_length=30, choices=ReviewKind.choices)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    onsite_start = models.DateField("on-site from")
    onsite_end = models.DateField("on-site to")
    report_published = models.DateField("report published", null=True, blank=True)
    follows_up = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text="The earlier review whose recommendations this one revisits.",
    )
    action_plan_due = models.DateField(null=True, blank=True)
    progress_review_due = models.DateField(null=True, blank=True)
    next_cpc_due = models.DateField("next CPC due", null=True, blank=True)
    deadlines_note = models.TextField(
        blank=True, help_text="What the report says about these deadlines, in its own words."
    )
    source_document = models.CharField(max_length=200, blank=True)

    objects = ReviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["council", "onsite_start"]
        verbose_name = "peer review"
        constraints = [
            models.CheckConstraint(
                condition=Q(onsite_end__gte=F("onsite_start")),
                name="%(app_label)s_%(class)s_onsite_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(report_published__isnull=True)
                | Q(report_published__gte=F("onsite_start")),
                name="%(app_label)s_%(class)s_report_after_visit",
            ),
            models.CheckConstraint(
                condition=~Q(follows_up=F("pk")),
                name="%(app_label)s_%(class)s_not_following_itself",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reviews:review_detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.follows_up_id and self.follows_up.council_id != self.council_id:
            raise ValidationError({"follows_up": "A review can only follow up its own council's."})
        if self.follows_up_id and self.follows_up.onsite_start >= self.onsite_start:
            raise ValidationError({"follows_up": "The reviewed review must come earlier."})

    @property
    def makes_recommendations(self) -> bool:
        """A progress review gives feedback on earlier recommendations instead of new ones."""
        return self.kind != ReviewKind.PROGRESS_REVIEW


class PeerTeamMember(models.Model):
    """A peer on a review team, as the report lists them."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="peer_team")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["review", "position", "pk"]
        verbose_name = "peer team member"

    def __str__(self):
        return self.name


class Theme(models.Model):
    """A heading a review groups its findings under, such as 'Financial planning and viability'."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="themes")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "number"]
        verbose_name = "theme"
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_positive"
            ),
        ]

    def __str__(self):
        return self.title


class RecommendationQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_superuser:
            return self
        return self.filter(review__council=council_of(user)) if council_of(user) else self.none()

    def recommendations(self):
        """The peers' formal recommendations, without their suggestions."""
        return self.filter(kind=RecommendationKind.RECOMMENDATION)

    def suggestions(self):
        return self.filter(kind=RecommendationKind.SUGGESTION)


class Recommendation(models.Model):
    """A key recommendation of a review: its bold title and full text, verbatim from the report."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    # One number sequence per review for both kinds, so a number alone names one item in URLs.
    kind = models.CharField(
        max_length=20, choices=RecommendationKind.choices, default=RecommendationKind.RECOMMENDATION
    )
    title = models.TextField(help_text="The short bold title, verbatim.")
    text = models.TextField(blank=True, help_text="The rest of the recommendation, verbatim.")
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="recommendations"
    )
    # The lead Cabinet member and lead officer councils name for each recommendation: people
    # of the council with those roles (the admin offers only them), never free text.
    lead_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations_as_lead_member",
        help_text="The Cabinet member who answers for this recommendation.",
    )
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations_as_lead_officer",
        help_text="The officer who leads the council's response to this recommendation.",
    )
    # Closed when its work moves into business as usual: it stays visible and reported, and
    # its actions leave the quarterly chase (``actions.models.ActionQuerySet.chased``).
    closed_on = models.DateField(null=True, blank=True, editable=False)
    continues_in = models.CharField(
        "where the work continues",
        max_length=200,
        blank=True,
        editable=False,
        help_text="Such as \u201cCorporate Plan 2025\u201330\u201d.",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    earlier = models.ManyToManyField(
        "self",
        through="RecommendationLink",
        symmetrical=False,
        related_name="later",
        blank=True,
    )

    objects = RecommendationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["review__onsite_start", "review", "number"]
        verbose_name = "recommendation"
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"], name="%(app_label)s_%(class)s_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RecommendationKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, continues_in="")
                | (Q(closed_on__isnull=False) & ~Q(continues_in="")),
                name="%(app_label)s_%(class)s_closed_says_where_it_continues",
            ),
        ]

    def __str__(self):
        return f"{self.review.slug} {self.reference}: {self.title}"

    def get_absolute_url(self):
        return reverse(
            "reviews:recommendation_detail",
            kwargs={"slug": self.review.slug, "number": self.number},
        )

    def clean(self):
        if self.theme_id and self.review_id and self.theme.review_id != self.review_id:
            raise ValidationError({"theme": "Choose one of this review's own themes."})
        for name in ("lead_member", "lead_officer"):
            person = getattr(self, name)
            if person is not None and self.review_id:
                council = council_of(person)
                if council is None or council.pk != self.review.council_id:
                    raise ValidationError({name: "Choose a person of this review's council."})

    @property
    def reference(self) -> str:
        return f"{'S' if self.is_suggestion else 'R'}{self.number}"

    @property
    def is_suggestion(self) -> bool:
        return self.kind == RecommendationKind.SUGGESTION

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class RecommendationLink(models.Model):
    """A later recommendation that repeats, continues or follows up an earlier one, with the words
    in the documents that support the link."""

    later = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="links_to_earlier"
    )
    earlier = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="links_to_later"
    )
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    evidence = models.TextField(blank=True, help_text="The words in the reports behind the link.")
    evidence_source = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["later", "earlier"]
        verbose_name = "link between recommendations"
        constraints = [
            models.UniqueConstraint(
                fields=["later", "earlier"], name="%(app_label)s_%(class)s_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(later=F("earlier")), name="%(app_label)s_%(class)s_not_itself"
            ),
        ]

    def __str__(self):
        return f"{self.later} {self.get_kind_display().lower()} {self.earlier}"

    def clean(self):
        if not (self.later_id and self.earlier_id):
            return
        if self.later.review.council_id != self.earlier.review.council_id:
            raise ValidationError("Recommendations can only be linked within one council.")
        if self.earlier.review.onsite_start >= self.later.review.onsite_start:
            raise ValidationError(
                {"earlier": "The earlier recommendation must be from an earlier review."}
            )


class PeerFeedback(models.Model):
    """What a progress review's peers said about an earlier recommendation."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="feedback")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="feedback"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    text = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "recommendation__number"]
        verbose_name = "peer feedback"
        verbose_name_plural = "peer feedback"
        constraints = [
            models.UniqueConstraint(
                fields=["review", "recommendation"], name="%(app_label)s_%(class)s_once_per_review"
            )
        ]

    def __str__(self):
        recommendation = self.recommendation
        return f"{self.review.title} on {recommendation.review.slug} {recommendation.reference}"

    def clean(self):
        if (
            self.review_id
            and self.recommendation_id
            and self.recommendation.review_id == self.review_id
        ):
            raise ValidationError("Feedback is on a recommendation of an earlier review.")
        if self.theme_id and self.theme.review_id != self.review_id:
            raise ValidationError({"theme": "Choose one of this review's own themes."})

"""REST endpoints of profiles: your profile, skills, goals and milestones; people (staff).

Input is checked by the web's own forms where the web has one (ProfileForm,
GoalForm, MilestoneForm), then the same services write. Objects are found
only among the caller's own (a stranger's goal is a 404).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from mentorship.api import (
    IsProgrammeManager,
    ListAPIView,
    error_responses,
    form_checked,
    found,
    input_checked,
)

from . import selectors, services
from .forms import GoalForm, MilestoneForm, ProfileForm
from .models import Goal, Language, Milestone, Profile, ProfileSkill, Skill, User
from .sanitize import render_markdown
from .services import accounts as people

# --- profile -------------------------------------------------------------------


class ProfileSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="user_id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(read_only=True)
    bio_html = serializers.SerializerMethodField()
    occupation = serializers.CharField(
        source="occupation.title", read_only=True, default=None, allow_null=True
    )
    # Empty when not given, so plain strings (an empty string is not a "uri").
    linkedin_url = serializers.CharField(read_only=True)
    website_url = serializers.CharField(read_only=True)
    languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    formats = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Profile
        fields = [
            "id",
            "email",
            "name",
            "role",
            "display_name",
            "headline",
            "bio",
            "bio_html",
            "job_title",
            "occupation",
            "industry",
            "organisation",
            "years_experience",
            "location",
            "timezone",
            "languages",
            "strengths",
            "growth_areas",
            "format_flash",
            "format_long_term",
            "formats",
            "linkedin_url",
            "website_url",
            "visibility",
            "capacity",
            "accepting",
            "away_until",
            "onboarded_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_bio_html(self, obj) -> str:
        return render_markdown(obj.bio)


_PROFILE_INPUT = list(ProfileForm.Meta.fields)


class ProfileUpdateSerializer(serializers.Serializer):
    """Fields you may change; any you leave out keep their value."""

    role = serializers.ChoiceField(choices=Profile.Role.choices, required=False)
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    headline = serializers.CharField(max_length=160, required=False, allow_blank=True)
    bio = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    job_title = serializers.CharField(max_length=150, required=False, allow_blank=True)
    industry = serializers.CharField(max_length=80, required=False, allow_blank=True)
    organisation = serializers.CharField(max_length=120, required=False, allow_blank=True)
    years_experience = serializers.IntegerField(min_value=0, max_value=70, required=False)
    location = serializers.CharField(max_length=120, required=False, allow_blank=True)
    timezone = serializers.CharField(max_length=64, required=False)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=8), required=False, max_length=50
    )
    strengths = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    growth_areas = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    format_flash = serializers.BooleanField(required=False)
    format_long_term = serializers.BooleanField(required=False)
    linkedin_url = serializers.URLField(max_length=200, required=False, allow_blank=True)
    website_url = serializers.URLField(max_length=200, required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Profile.Visibility.choices, required=False)
    capacity = serializers.IntegerField(min_value=0, max_value=50, required=False)
    accepting = serializers.BooleanField(required=False)
    away_until = serializers.DateField(required=False, allow_null=True)


def _profile_form_data(profile: Profile, changes: dict) -> dict:
    data = {name: getattr(profile, name) for name in _PROFILE_INPUT if name != "languages"}
    data["languages"] = list(profile.languages.values_list("pk", flat=True))
    for name in ("away_until",):
        if data[name] is None:
            data[name] = ""
    data.update(changes)
    if "languages" in changes:
        codes = changes["languages"]
        found_langs = dict(Language.objects.filter(code__in=codes).values_list("code", "pk"))
        unknown = sorted(set(codes) - set(found_langs))
        if unknown:
            raise serializers.ValidationError(
                {"languages": [f"Unknown language code: {', '.join(unknown)}."]}
            )
        data["languages"] = list(found_langs.values())
    if data.get("away_until") is None:
        data["away_until"] = ""
    return data


class MyProfileView(APIView):
    @extend_schema(tags=["profile"], responses={200: ProfileSerializer, **error_responses()})
    def get(self, request):
        """Your profile (created with defaults on first use, as on the web)."""
        services.profile_get_or_create(user=request.user)
        return Response(ProfileSerializer(selectors.profile_for_user(user=request.user)).data)

    @extend_schema(
        tags=["profile"],
        request=ProfileUpdateSerializer,
        responses={200: ProfileSerializer, **error_responses(400)},
    )
    def patch(self, request):
        """Change your profile; the same checks as the profile form."""
        changes = input_checked(ProfileUpdateSerializer, request.data)
        profile = services.profile_get_or_create(user=request.user)
        form = form_checked(ProfileForm(_profile_form_data(profile, changes), instance=profile))
        services.profile_update(profile=profile, **form.profile_fields())
        return Response(ProfileSerializer(selectors.profile_for_user(user=request.user)).data)


# --- skills --------------------------------------------------------------------


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "name", "slug", "category", "status", "is_hot"]
        read_only_fields = fields


class SkillSearchSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=60)


@extend_schema(
    tags=["skills"],
    parameters=[SkillSearchSerializer],
    responses={200: SkillSerializer(many=True), **error_responses(400)},
)
class SkillListView(ListAPIView):
    """The skill taxonomy you can choose from (`?q=` filters by name)."""

    serializer_class = SkillSerializer
    ordering = ("name", "id")

    def get_queryset(self):
        query = input_checked(SkillSearchSerializer, self.request.query_params).get("q", "")
        skills = selectors.skills_visible_to(user=self.request.user)
        if query:
            skills = skills.filter(name__icontains=query.strip())
        return skills


class ProfileSkillSerializer(serializers.ModelSerializer):
    skill = SkillSerializer(read_only=True)

    class Meta:
        model = ProfileSkill
        fields = ["skill", "level"]
        read_only_fields = fields


class MySkillsSerializer(serializers.Serializer):
    offers = ProfileSkillSerializer(many=True)
    wants = ProfileSkillSerializer(many=True)


class SkillChoiceSerializer(serializers.Serializer):
    skill_id = serializers.IntegerField(required=False, help_text="A skill from /skills/.")
    name = serializers.CharField(
        required=False, max_length=services.SKILL_NAME_MAX, help_text="Or a new skill's name."
    )
    level = serializers.IntegerField(
        min_value=1, max_value=5, help_text="Offers: proficiency 1–5. Wants: priority 1–3."
    )

    def validate(self, attrs):
        if ("skill_id" in attrs) == ("name" in attrs):
            raise serializers.ValidationError("Give either skill_id or name.")
        return attrs


class MySkillsUpdateSerializer(serializers.Serializer):
    offers = SkillChoiceSerializer(many=True, required=False, max_length=60)
    wants = SkillChoiceSerializer(many=True, required=False, max_length=60)


def _my_skills(profile: Profile) -> dict:
    return {
        "offers": selectors.profile_skills(
            profile=profile, direction=ProfileSkill.Direction.OFFERS
        ),
        "wants": selectors.profile_skills(profile=profile, direction=ProfileSkill.Direction.WANTS),
    }


class MySkillsView(APIView):
    @extend_schema(tags=["skills"], responses={200: MySkillsSerializer, **error_responses()})
    def get(self, request):
        """The skills you offer and want."""
        profile = services.profile_get_or_create(user=request.user)
        return Response(MySkillsSerializer(_my_skills(profile)).data)

    @extend_schema(
        tags=["skills"],
        request=MySkillsUpdateSerializer,
        responses={200: MySkillsSerializer, **error_responses(400)},
    )
    def put(self, request):
        """Replace the skills of each direction you send (all or nothing)."""
        data = input_checked(MySkillsUpdateSerializer, request.data)
        profile = services.profile_get_or_create(user=request.user)
        items = {
            direction: [
                (item.get("skill_id") or item.get("name"), item["level"]) for item in data[key]
            ]
            for key, direction in (
                ("offers", ProfileSkill.Direction.OFFERS),
                ("wants", ProfileSkill.Direction.WANTS),
            )
            if key in data
        }
        if items:
            services.profile_skills_update(profile=profile, items_by_direction=items)
        return Response(MySkillsSerializer(_my_skills(profile)).data)


# --- goals and milestones ------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    done = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "title", "due_date", "done", "done_at", "position"]
        read_only_fields = fields

    def get_done(self, obj) -> bool:
        return obj.done_at is not None


class GoalSerializer(serializers.ModelSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "title",
            "description",
            "target_date",
            "status",
            "milestones",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class GoalInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=160)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    target_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Goal.Status.choices, required=False)


class MilestoneInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=160)
    due_date = serializers.DateField(required=False, allow_null=True)


class MilestoneUpdateSerializer(serializers.Serializer):
    done = serializers.BooleanField()


def _goal_or_404(request, pk: int) -> Goal:
    return found(selectors.goals_for_user(user=request.user).filter(pk=pk).first())


def _form_data(data: dict, fields) -> dict:
    return {name: ("" if data.get(name) is None else data.get(name, "")) for name in fields}


@extend_schema(tags=["goals"])
class GoalListView(ListAPIView):
    """Your goals with their milestones."""

    serializer_class = GoalSerializer
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        return selectors.goals_for_user(user=self.request.user).prefetch_related("milestones")

    @extend_schema(responses={200: GoalSerializer(many=True), **error_responses()})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=GoalInputSerializer, responses={201: GoalSerializer, **error_responses(400)}
    )
    def post(self, request):
        """Add a goal."""
        data = input_checked(GoalInputSerializer, request.data)
        form = form_checked(GoalForm(_form_data(data, ["title", "description", "target_date"])))
        goal = services.goal_create(owner=request.user, **form.cleaned_data)
        return Response(GoalSerializer(goal).data, status=201)


class GoalDetailView(APIView):
    @extend_schema(tags=["goals"], responses={200: GoalSerializer, **error_responses(404)})
    def get(self, request, pk: int):
        return Response(GoalSerializer(_goal_or_404(request, pk)).data)

    @extend_schema(
        tags=["goals"],
        request=GoalInputSerializer(partial=True),
        responses={200: GoalSerializer, **error_responses(400, 404)},
    )
    def patch(self, request, pk: int):
        """Change a goal; fields you leave out keep their value."""
        goal = _goal_or_404(request, pk)
        data = input_checked(GoalInputSerializer, request.data, partial=True)
        current = {
            "title": goal.title,
            "description": goal.description,
            "target_date": goal.target_date,
            "status": goal.status,
        }
        current.update(data)
        form = form_checked(GoalForm(_form_data(current, current), instance=goal))
        goal = services.goal_update(goal=goal, **form.cleaned_data)
        return Response(GoalSerializer(_goal_or_404(request, goal.pk)).data)

    @extend_schema(tags=["goals"], responses={204: None, **error_responses(404)})
    def delete(self, request, pk: int):
        services.goal_delete(goal=_goal_or_404(request, pk))
        return Response(status=204)


class MilestoneCreateView(APIView):
    @extend_schema(
        tags=["goals"],
        request=MilestoneInputSerializer,
        responses={201: MilestoneSerializer, **error_responses(400, 404)},
    )
    def post(self, request, pk: int):
        """Add a milestone to one of your goals."""
        goal = _goal_or_404(request, pk)
        data = input_checked(MilestoneInputSerializer, request.data)
        form = form_checked(MilestoneForm(_form_data(data, ["title", "due_date"])))
        milestone = services.milestone_add(goal=goal, **form.cleaned_data)
        return Response(MilestoneSerializer(milestone).data, status=201)


class MilestoneDetailView(APIView):
    def _milestone(self, request, pk: int, milestone_pk: int) -> Milestone:
        return found(_goal_or_404(request, pk).milestones.filter(pk=milestone_pk).first())

    @extend_schema(
        tags=["goals"],
        request=MilestoneUpdateSerializer,
        responses={200: MilestoneSerializer, **error_responses(400, 404)},
    )
    def patch(self, request, pk: int, milestone_pk: int):
        """Mark a milestone done (today, in your time zone) or not done."""
        milestone = self._milestone(request, pk, milestone_pk)
        data = input_checked(MilestoneUpdateSerializer, request.data)
        milestone = services.milestone_toggle(milestone=milestone, done=data["done"])
        return Response(MilestoneSerializer(milestone).data)

    @extend_schema(tags=["goals"], responses={204: None, **error_responses(404)})
    def delete(self, request, pk: int, milestone_pk: int):
        services.milestone_delete(milestone=self._milestone(request, pk, milestone_pk))
        return Response(status=204)


# --- people (programme managers) ----------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    public_id = serializers.UUIDField(
        source="profile.public_id",
        read_only=True,
        default=None,
        allow_null=True,
        help_text="How URLs name the person (never a row id); null for a staff account "
        "without a profile, which is managed in the admin.",
    )
    role = serializers.CharField(source="profile.role", read_only=True, default=None)
    external_id = serializers.CharField(source="scim_external_id", read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["public_id", "email", "name", "role", "is_active", "external_id", "date_joined"]
        read_only_fields = fields


class PersonFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    active = serializers.BooleanField(required=False, allow_null=True, default=None)


class PersonCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Profile.Role.choices, default=Profile.Role.MENTEE)
    external_id = serializers.CharField(max_length=254, required=False, allow_blank=True)


class PersonUpdateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, required=False)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Profile.Role.choices, required=False)
    external_id = serializers.CharField(max_length=254, required=False, allow_blank=True)


def _person_or_404(public_id) -> User:
    return found(selectors.people_for_manager().filter(profile__public_id=public_id).first())


@extend_schema(tags=["people"])
class PersonListView(ListAPIView):
    """Everyone on the platform (programme managers only)."""

    permission_classes = ListAPIView.permission_classes + [IsProgrammeManager]
    serializer_class = PersonSerializer
    ordering = ("email", "id")

    def get_queryset(self):
        filters = input_checked(PersonFilterSerializer, self.request.query_params)
        return selectors.people_for_manager(
            query=filters.get("q", ""), active=filters.get("active")
        )

    @extend_schema(
        parameters=[PersonFilterSerializer],
        responses={200: PersonSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=PersonCreateSerializer,
        responses={201: PersonSerializer, **error_responses(400, 404)},
    )
    def post(self, request):
        """Create a person (their address counts as verified; they sign in by SSO or reset)."""
        data = input_checked(PersonCreateSerializer, request.data)
        user = people.person_create(
            email=data["email"],
            name=data.get("name", ""),
            role=data["role"],
            external_id=data.get("external_id") or None,
        )
        return Response(PersonSerializer(_person_or_404(user.profile.public_id)).data, status=201)


class PersonDetailView(APIView):
    permission_classes = APIView.permission_classes + [IsProgrammeManager]

    @extend_schema(tags=["people"], responses={200: PersonSerializer, **error_responses(404)})
    def get(self, request, public_id):
        return Response(PersonSerializer(_person_or_404(public_id)).data)

    @extend_schema(
        tags=["people"],
        request=PersonUpdateSerializer,
        responses={200: PersonSerializer, **error_responses(400, 404)},
    )
    def patch(self, request, public_id):
        user = _person_or_404(public_id)
        data = input_checked(PersonUpdateSerializer, request.data)
        people.person_update(user=user, **data)
        return Response(PersonSerializer(_person_or_404(public_id)).data)


class PersonDeactivateView(APIView):
    permission_classes = APIView.permission_classes + [IsProgrammeManager]

    @extend_schema(
        tags=["people"],
        request=None,
        responses={200: PersonSerializer, **error_responses(400, 404)},
    )
    def post(self, request, public_id):
        """Stop the person's sign-in and tokens at once; nothing is deleted."""
        people.person_deactivate(user=_person_or_404(public_id), by=request.user)
        return Response(PersonSerializer(_person_or_404(public_id)).data)


class PersonReactivateView(APIView):
    permission_classes = APIView.permission_classes + [IsProgrammeManager]

    @extend_schema(
        tags=["people"], request=None, responses={200: PersonSerializer, **error_responses(404)}
    )
    def post(self, request, public_id):
        people.person_reactivate(user=_person_or_404(public_id))
        return Response(PersonSerializer(_person_or_404(public_id)).data)

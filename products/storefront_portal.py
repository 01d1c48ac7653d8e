"""Portal pages for what an institution shows beside its listings: articles and announcements,
and curated lists of its products."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from institutions.tenancy import PortalMixin
from marketplace.permissions import form_errors_from

from . import services
from .forms import (
    ArticleForm,
    CuratedListForm,
)
from .models import (
    Article,
    CuratedList,
    Product,
    ProductStatus,
)


class ArticleListView(PortalMixin, TemplateView):
    template_name = "portal/articles/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = self.scope(Article.objects.select_related("product", "author"))
        return context


class ArticleEditView(PortalMixin, View):
    tenant_model = Article
    template = "portal/articles/form.html"

    def get_article(self, pk) -> Article | None:
        if pk is None:
            return None
        return get_object_or_404(self.scope(Article.objects.all()), pk=pk)

    def products(self, request):
        return self.scope(Product.objects.exclude(status=ProductStatus.CLOSED)).order_by("name")

    def render_form(self, request, form, article, status=200):
        return render(
            request,
            self.template,
            {
                "form": form,
                "article": article,
                "institution": request.institution,
                "membership": request.membership,
            },
            status=status,
        )

    def get(self, request, pk=None):
        article = self.get_article(pk)
        initial = {}
        if article:
            initial = {
                "kind": article.kind,
                "title": article.title,
                "body": article.body,
                "product": article.product.slug if article.product else None,
            }
        form = ArticleForm(initial=initial, products=self.products(request))
        return self.render_form(request, form, article)

    def post(self, request, pk=None):
        article = self.get_article(pk)
        form = ArticleForm(request.POST, products=self.products(request))
        if form.is_valid():
            publish = "publish" in request.POST
            try:
                article = services.article_save(
                    institution=request.institution,
                    actor=request.user,
                    article=article,
                    **form.cleaned_data,
                )
                if publish:
                    services.article_publish(article=article, actor=request.user)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, "Published." if publish else "Draft saved.")
                return redirect("portal_products:articles")
        return self.render_form(request, form, article, status=400)


class ArticleActionView(PortalMixin, View):
    tenant_model = Article

    def post(self, request, pk, action):
        article = get_object_or_404(self.scope(Article.objects.all()), pk=pk)
        try:
            if action == "publish":
                services.article_publish(article=article, actor=request.user)
                messages.success(request, "Published.")
            elif action == "withdraw":
                services.article_withdraw(article=article, actor=request.user)
                messages.success(request, "Withdrawn.")
            else:
                raise PermissionDenied("Unknown action")
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect(reverse("portal_products:articles"))


# --- curated lists --------------------------------------------------------------------------


class CuratedListListView(PortalMixin, TemplateView):
    template_name = "portal/curated/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lists"] = self.scope(CuratedList.objects.all()).prefetch_related("items__product")
        context["current"] = "curated"
        return context


class CuratedListEditView(PortalMixin, View):
    tenant_model = CuratedList
    template = "portal/curated/form.html"

    def get_list(self, pk) -> CuratedList | None:
        if pk is None:
            return None
        return get_object_or_404(self.scope(CuratedList.objects.all()), pk=pk)

    def form(self, request, curated, data=None):
        products = services.curatable_products(institution=request.institution).order_by("name")
        placed = {}
        if curated is not None:
            placed = {item.product_id: item.position for item in curated.items.all()}
        initial = {"title": curated.title, "blurb": curated.blurb} if curated else {}
        return CuratedListForm(data, initial=initial, products=products, placed=placed)

    def render_form(self, request, form, curated, status=200):
        return render(
            request,
            self.template,
            {
                "form": form,
                "curated": curated,
                "institution": request.institution,
                "membership": request.membership,
                "current": "curated",
                "max_items": services.MAX_LIST_ITEMS,
            },
            status=status,
        )

    def get(self, request, pk=None):
        curated = self.get_list(pk)
        return self.render_form(request, self.form(request, curated), curated)

    def post(self, request, pk=None):
        curated = self.get_list(pk)
        form = self.form(request, curated, data=request.POST)
        if form.is_valid():
            try:
                curated = services.curated_list_save(
                    institution=request.institution,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    blurb=form.cleaned_data["blurb"],
                    products=form.chosen_products(),
                    curated_list=curated,
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("List saved."))
                return redirect("portal_products:curated")
        return self.render_form(request, form, curated, status=400)


class CuratedListActionView(PortalMixin, View):
    tenant_model = CuratedList

    def post(self, request, pk, action):
        curated = get_object_or_404(self.scope(CuratedList.objects.all()), pk=pk)
        if action in ("publish", "unpublish"):
            services.curated_list_publish(
                curated_list=curated, actor=request.user, published=action == "publish"
            )
            messages.success(request, _("Published.") if action == "publish" else _("Hidden."))
        elif action in ("up", "down"):
            services.curated_list_move(curated_list=curated, actor=request.user, up=action == "up")
        elif action == "delete":
            services.curated_list_delete(curated_list=curated, actor=request.user)
            messages.success(request, _("List deleted."))
        else:
            raise PermissionDenied("Unknown action")
        return redirect(reverse("portal_products:curated"))

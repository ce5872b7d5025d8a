from django.core.paginator import Paginator
from django.views.generic import TemplateView

from reviews import selectors


class RecurringThemesView(TemplateView):
    """What the peers keep saying: chains of recommendations that span more than one review."""

    template_name = "reviews/recurring.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        chains = selectors.recommendation_chains(user=self.request.user)
        page = Paginator(chains, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(chains=page.object_list, page_obj=page, **kwargs)

"""``GET /inbox/stats?server=&stream=&tag=``: sends, bounces, spam complaints, opens and clicks
per day, drawn as inline SVG from the sandbox's own data.

The numbers are the Stats API's (:mod:`.stats_series`, over
:mod:`postmark.sandbox.rules.stats`); the charts are :mod:`.svg_chart`; a
table under each chart holds the same numbers for screen readers and for
copying.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..http.router import Context, Reply, Router
from ..rules.stats import StatsFilter
from .format import esc
from .layout import not_found, page
from .scope import chosen_server
from .server_picker import server_select
from .stats_series import activity, bounce_types, filter_choices, sent_by_stream, sent_by_tag
from .svg_chart import Series, bar_chart, line_chart

routes = Router()
PATH = "/inbox/stats"


@routes.route("GET", PATH, auth="none")
def stats_page(ctx: Context) -> Reply:
    """Totals, the activity chart and bar charts (bounce types, sends per stream and tag)
    for one stream and tag (or all)."""
    server = chosen_server(ctx)
    if server is None:
        return not_found("This server")
    store = server.store
    stream, tag = ctx.arg("stream") or "", ctx.arg("tag") or ""
    flt = StatsFilter(tag=tag or None, stream=stream or None)
    streams, tags = filter_choices(store)
    found = activity(store, flt)
    totals = "".join(
        f'<dt>{esc(name)}</dt><dd data-total="{esc(name)}">{count}</dd>'
        for name, count in found.totals.items()
    )
    scope = f"stream {stream or 'all'}, tag {tag or 'all'}"
    if found.days:
        series = [Series(name, counts) for name, counts in found.counts.items()]
        chart = line_chart(
            "activity-chart",
            "Activity per day",
            found.days,
            series,
            description=f"Sends, bounces, spam complaints, opens and clicks per day ({scope}).",
        )
        charts = (
            f'<h2>Per day</h2><figure class="chart">{chart}</figure>{_table(found.days, series)}'
        )
    else:
        charts = '<p class="muted" id="no-stats">Nothing was sent or recorded for this filter.</p>'
    breakdowns = (
        ("bounce-chart", "Bounces by type", "Bounces", bounce_types(store, flt)),
        ("stream-chart", "Sent by stream", "Sent", sent_by_stream(store, flt)),
        ("tag-chart", "Sent by tag", "Sent", sent_by_tag(store, flt)),
    )
    for chart_id, title, name, counted in breakdowns:
        if counted:
            bars = bar_chart(
                chart_id,
                title,
                [k for k, _ in counted],
                [n for _, n in counted],
                series_name=name,
                description=f"{title} ({scope}).",
            )
            charts += f'<h2>{esc(title)}</h2><figure class="chart">{bars}</figure>'
    body = (
        "<h1>Stats</h1>"
        f"{_filters(server_select(ctx, server), streams, tags, stream, tag)}"
        f'<dl class="fields totals">{totals}</dl>{charts}'
        '<p class="muted">Counted as Postmark\'s Stats API counts them (GET /stats/outbound/...), '
        "per day in US Eastern time. Bounced leaves out spam complaints and SMTP API errors.</p>"
    )
    return page(ctx, "Stats", body, nav="stats")


def _filters(servers: str, streams: list[str], tags: list[str], stream: str, tag: str) -> str:
    return (
        f'<form method="get" action="{PATH}" class="filters">{servers}'
        f'<label for="stream">Stream</label> {_select("stream", streams, stream)} '
        f'<label for="tag">Tag</label> {_select("tag", tags, tag)} '
        '<button type="submit">Show</button></form>'
    )


def _select(name: str, options: list[str], chosen: str) -> str:
    # A chosen value nobody used still shows as chosen (and counts nothing), never "All".
    values = options if not chosen or chosen in options else [*options, chosen]
    items = ['<option value="">All</option>'] + [
        f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(v)}</option>'
        for v in values
    ]
    return f'<select id="{name}" name="{name}">{"".join(items)}</select>'


def _table(days: list[str], series: Sequence[Series]) -> str:
    head = "".join(f"<th scope=col>{esc(s.name)}</th>" for s in series)
    rows = "".join(
        f"<tr><th scope=row>{esc(d)}</th>"
        + "".join(f"<td>{int(s.values[i])}</td>" for s in series)
        + "</tr>"
        for i, d in enumerate(days)
    )
    return (
        '<details class="numbers"><summary>The numbers</summary>'
        "<table><thead><tr><th scope=col>Day</th>"
        f"{head}</tr></thead><tbody>{rows}</tbody></table></details>"
    )

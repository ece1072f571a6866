"""The pace chart: occupancy and abandonment against the dial level, as a standalone SVG.

Drawn by hand (a few lines, two axes, a limit line, the controller's point) so that no plotting
library is needed; the supervisor's browser opens it as it is.
"""

from __future__ import annotations

from html import escape

from goodcall.timing.pace import PaceAdvice

WIDTH, HEIGHT = 720, 400
LEFT, RIGHT, TOP, BOTTOM = 70, 70, 40, 60


def _polyline(points: list[tuple[float, float]], colour: str, dash: str = "") -> str:
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline fill="none" stroke="{colour}" stroke-width="2"{extra} points="{coords}"/>'


def pace_svg(advice: PaceAdvice) -> str:
    """The SVG document of ``advice``'s curve, limit and recommendation."""
    levels = [level for level, _ in advice.curve]
    low, high = min(levels), max(max(levels), advice.level)
    top_abandon = max(0.1, *(s.worst_day for _, s in advice.curve)) * 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(level: float) -> float:
        return LEFT + (level - low) / max(high - low, 1e-9) * plot_w

    def y_left(share: float) -> float:
        return TOP + (1 - share) * plot_h

    def y_right(share: float) -> float:
        return TOP + (1 - share / top_abandon) * plot_h

    title = (
        f"{advice.scenario.agents} agents, {advice.scenario.handle_seconds:g} s handle: "
        "occupancy and abandonment by dial level"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'font-family="sans-serif" font-size="12">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" '
        'stroke="#999"/>',
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = y_left(tick)
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{tick:.0%}</text>')
        share = tick * top_abandon
        parts.append(
            f'<text x="{WIDTH - RIGHT + 8}" y="{y + 4:.1f}" fill="#c0392b">{share:.1%}</text>'
        )
    for level in levels:
        parts.append(
            f'<text x="{x_of(level):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">'
            f"{level:g}</text>"
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 15}" text-anchor="middle">'
        "dial level (lines per free agent, fixed-ratio dialler)</text>"
    )
    occupancy = [(x_of(level), y_left(s.occupancy)) for level, s in advice.curve]
    abandonment = [(x_of(level), y_right(s.worst_day)) for level, s in advice.curve]
    limit_y = y_right(advice.scenario.limit)
    parts += [
        _polyline(occupancy, "#2c3e50"),
        _polyline(abandonment, "#c0392b"),
        _polyline([(LEFT, limit_y), (LEFT + plot_w, limit_y)], "#c0392b", "6,4"),
        f'<text x="{LEFT + 6}" y="{limit_y - 6:.1f}" fill="#c0392b">'
        f"limit {advice.scenario.limit:.0%} (worst simulated day)</text>",
    ]
    chosen_x, chosen_y = x_of(advice.level), y_left(advice.chosen.occupancy)
    parts += [
        f'<circle cx="{chosen_x:.1f}" cy="{chosen_y:.1f}" r="6" fill="#27ae60"/>',
        f'<text x="{chosen_x + 10:.1f}" y="{chosen_y + 16:.1f}" fill="#27ae60">'
        f"{escape(advice.mode)}: {advice.chosen.occupancy:.0%} occupancy, "
        f"{advice.chosen.worst_day:.1%} abandoned</text>",
        f'<text x="{LEFT + 6}" y="{TOP + 16}" fill="#2c3e50">occupancy</text>',
        f'<text x="{LEFT + 6}" y="{TOP + 32}" fill="#c0392b">abandonment</text>',
        "</svg>",
    ]
    return "\n".join(parts) + "\n"

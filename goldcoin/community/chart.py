"""The balance curve of a machine-read report, drawn on the server as SVG
coordinates (templates/community/_balance_chart.html renders them): the page
needs no chart library and no script, and a member sees it with JS off.

Coordinates are Decimals rounded to 0.1 px; balances are never floats."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 104, 12, 14, 30  # room for the axis labels ("-1234567.89 USD")
# A many-year history has thousands of deals; a few hundred points draw the
# same line (each bucket keeps its lowest and highest balance, so no spike is lost).
MAX_POINTS = 600
_PX = Decimal("0.1")


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: str  # "x,y x,y ..." for <polyline>, a step at each closed trade
    y_labels: tuple  # ((y, text), ...)
    x_labels: tuple  # ((x, anchor, text), ...), drawn under the plot
    guides: tuple  # ((y, css class), ...): the deposit, and zero if the curve crosses it
    first: str
    last: str
    low: str
    high: str
    left: int = LEFT
    top: int = TOP
    plot_width: int = WIDTH - LEFT - RIGHT
    plot_height: int = HEIGHT - TOP - BOTTOM


def _points(curve):
    points = []
    for item in curve or ():
        try:
            when, balance = item
            points.append((datetime.fromisoformat(when), Decimal(balance)))
        except (TypeError, ValueError, InvalidOperation):
            continue  # a point the reader could not date: the rest still draw
    return [p for p in points if p[1].is_finite()]


def _thin(points):
    if len(points) <= MAX_POINTS:
        return points
    size = -(-len(points) // (MAX_POINTS // 2))
    kept = [points[0]]
    for start in range(1, len(points) - 1, size):
        bucket = points[start:min(start + size, len(points) - 1)]
        low, high = min(bucket, key=lambda p: p[1]), max(bucket, key=lambda p: p[1])
        kept.extend(sorted({low, high}, key=bucket.index))
    kept.append(points[-1])
    return kept


def balance_chart(curve, unit=""):
    """A Chart of [[iso_time, balance], ...], or None when there is no line to draw."""
    points = _thin(_points(curve))
    if len(points) < 2:
        return None
    plot_w, plot_h = Decimal(WIDTH - LEFT - RIGHT), Decimal(HEIGHT - TOP - BOTTOM)
    t0, t1 = points[0][0], points[-1][0]
    span = Decimal(str((t1 - t0).total_seconds())) if t1 > t0 else None
    balances = [b for _, b in points]
    low, high = min(balances), max(balances)
    if high == low:
        low, high = low - 1, high + 1

    def x_of(i, when):
        share = Decimal(str((when - t0).total_seconds())) / span if span else Decimal(i) / (len(points) - 1)
        return (LEFT + share * plot_w).quantize(_PX)

    def y_of(balance):
        return (TOP + (high - balance) / (high - low) * plot_h).quantize(_PX)

    # Steps, not slopes: the balance holds until the next trade closes (a
    # stop-out after months of open positions is a cliff, not a decline).
    coords, previous = [], None
    for i, (when, balance) in enumerate(points):
        x, y = x_of(i, when), y_of(balance)
        if previous is not None and previous != y:
            coords.append(f"{x},{previous}")
        coords.append(f"{x},{y}")
        previous = y
    line = " ".join(coords)
    suffix = f" {unit}" if unit else ""
    deposit = points[0][1]
    guides = [(y_of(deposit), "deposit")]
    if low < 0 < high:
        guides.append((y_of(Decimal(0)), "zero"))
    y_labels = ((y_of(high), f"{high}{suffix}"), (y_of(low), f"{low}{suffix}"))
    if all(abs(y_of(deposit) - y) > 14 for y, _ in y_labels):
        y_labels += ((y_of(deposit), f"{deposit}{suffix}"),)
    x_labels = ((LEFT, "start", f"{t0:%Y-%m-%d}"), (WIDTH - RIGHT, "end", f"{t1:%Y-%m-%d}"))
    return Chart(WIDTH, HEIGHT, line, y_labels, x_labels, tuple(guides), first=f"{t0:%Y-%m-%d}",
                 last=f"{t1:%Y-%m-%d}", low=f"{low}{suffix}", high=f"{high}{suffix}")

"""The server-drawn balance curve (goldcoin.community.chart)."""
from decimal import Decimal

from goldcoin.community.chart import LEFT, MAX_POINTS, RIGHT, TOP, WIDTH, balance_chart


def xy(chart):
    return [tuple(Decimal(v) for v in p.split(",")) for p in chart.points.split()]


def test_the_curve_is_drawn_in_steps_over_time():
    chart = balance_chart([["2024-01-01T00:00:00", "1000.00"], ["2024-01-02T00:00:00", "1100.00"],
                           ["2024-01-05T00:00:00", "900.00"]], "USD")
    points = xy(chart)
    # Time-proportional x; the balance holds until the next trade closes.
    assert [x for x, _ in points] == [LEFT, LEFT + Decimal("131.0"), LEFT + Decimal("131.0"), WIDTH - RIGHT, WIDTH - RIGHT]
    assert points[0][1] == points[1][1] and points[3][1] == points[2][1]
    assert points[2][1] == TOP  # the highest balance at the top
    assert [text for _, text in chart.y_labels] == ["1100.00 USD", "900.00 USD", "1000.00 USD"]
    assert [text for _, _, text in chart.x_labels] == ["2024-01-01", "2024-01-05"]
    assert [kind for _, kind in chart.guides] == ["deposit"]


def test_a_curve_below_zero_gets_a_zero_line_and_pips():
    chart = balance_chart([["2020-01-04T00:00:00", "3000.00"], ["2022-05-12T09:04:00", "-31.70"]], "pips")
    assert [kind for _, kind in chart.guides] == ["deposit", "zero"]
    assert chart.low == "-31.70 pips" and chart.high == "3000.00 pips"


def test_a_long_curve_is_thinned_but_keeps_its_extremes():
    curve = [[f"2024-01-01T00:{m // 60:02d}:{m % 60:02d}", str(1000 + (m % 7) * 10)] for m in range(3000)]
    curve[1234][1] = "5"  # a deep dip in the middle must survive
    chart = balance_chart(curve)
    ys = [y for _, y in xy(chart)]
    assert len(ys) <= 2 * MAX_POINTS + 2
    assert chart.low == "5" and max(ys) == Decimal(chart.height - 30)  # the dip is at the bottom of the plot


def test_nothing_to_draw():
    assert balance_chart([]) is None
    assert balance_chart([["2024-01-01T00:00:00", "1000.00"]]) is None
    assert balance_chart([["not a time", "1"], [None, None]]) is None
    flat = balance_chart([["2024-01-01T00:00:00", "10"], ["2024-01-01T00:00:00", "10"]])
    assert flat is not None and flat.first == flat.last  # same moment: drawn by index

import numpy as np
import pytest

from explorer.compute import forecasting as fc
from explorer.data import series as sr


@pytest.fixture(scope="module")
def sunspots():
    return sr.load()


# --- the shipped asset ---------------------------------------------------------------------------------------


def test_asset_holds_309_consecutive_years_1700_to_2008(sunspots):
    assert sunspots.years.dtype == np.int32 and sunspots.values.dtype == np.float64
    assert sunspots.years.shape == sunspots.values.shape == (309,)
    np.testing.assert_array_equal(sunspots.years, np.arange(1700, 2009))
    # first and last values as statsmodels' data file lists them
    assert sunspots.values[0] == 5.0 and sunspots.values[-1] == 2.9
    assert np.isfinite(sunspots.values).all() and (sunspots.values >= 0).all()
    assert "statsmodels" in sunspots.source and "National Geophysical Data Center" in sunspots.source


def test_asset_matches_statsmodels(sunspots):
    from statsmodels.datasets import sunspots as sm_sunspots  # in the test extra: absent, this test fails

    data = sm_sunspots.load_pandas().data
    np.testing.assert_array_equal(sunspots.years, data["YEAR"].to_numpy().astype(int))
    np.testing.assert_array_equal(sunspots.values, data["SUNACTIVITY"].to_numpy())


def test_save_load_round_trip(tmp_path):
    s = sr.Series(np.arange(1990, 2020, dtype=np.int32), np.linspace(0, 1, 30), "test", "made up")
    sr.save(s, tmp_path / "s.npz")
    back = sr.load(tmp_path / "s.npz")
    np.testing.assert_array_equal(back.years, s.years)
    np.testing.assert_array_equal(back.values, s.values)
    assert (back.name, back.source) == ("test", "made up")


def test_split_holds_out_the_last_40_years(sunspots):
    train, held = sr.split(sunspots)
    assert len(train.values) == 269 and len(held.values) == 40
    assert (train.years[0], train.years[-1], held.years[0], held.years[-1]) == (1700, 1968, 1969, 2008)
    np.testing.assert_array_equal(np.concatenate([train.values, held.values]), sunspots.values)


# --- windows and scaling ---------------------------------------------------------------------------------------


def test_windows_on_a_hand_built_example():
    x, y = sr.windows(np.array([10.0, 11, 12, 13, 14, 15]), window=3)
    np.testing.assert_array_equal(x, [[10, 11, 12], [11, 12, 13], [12, 13, 14]])
    np.testing.assert_array_equal(y, [13, 14, 15])
    with pytest.raises(ValueError):
        sr.windows(np.arange(3.0), window=3)  # no value follows the only window


def test_windows_of_the_real_series_have_the_default_width(sunspots):
    x, y = sr.windows(sunspots.values)
    assert x.shape == (309 - 24, 24) and y.shape == (309 - 24,)
    assert x[5, -1] == sunspots.values[5 + 23] and y[5] == sunspots.values[5 + 24]


def test_scaler_round_trip_and_standardises():
    v = np.array([3.0, 7.0, 1.0, 9.0, 5.0])
    s = sr.Scaler.fit(v)
    z = s.forward(v)
    assert z.mean() == pytest.approx(0.0, abs=1e-12) and z.std() == pytest.approx(1.0)
    np.testing.assert_allclose(s.inverse(z), v, rtol=0, atol=1e-12)
    with pytest.raises(ValueError):
        sr.Scaler.fit(np.full(5, 2.0))


def test_scaler_uses_train_statistics_only(sunspots):
    train_values = sunspots.values[:269]
    s = sr.scaler_for(sunspots)
    assert s.mean == pytest.approx(sum(train_values) / 269, rel=1e-12)
    assert s.std == pytest.approx(np.sqrt(np.mean((train_values - train_values.mean()) ** 2)), rel=1e-12)
    assert s.mean != pytest.approx(sunspots.values.mean(), rel=1e-3)
    # changing the held-out years does not change the scaler
    altered = sr.Series(sunspots.years, np.concatenate([train_values, np.full(40, 1e6)]), "x", "y")
    assert sr.scaler_for(altered) == s


# --- user series -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, words",
    [
        (np.arange(24.0), "at least 25"),
        (np.r_[np.arange(30.0), np.nan], "finite"),
        (np.r_[np.arange(30.0), np.inf], "finite"),
        (np.full(40, 7.0), "constant"),
        (np.arange(2001.0), "at most 2,000"),
    ],
)
def test_bad_user_series_are_refused_with_a_clear_sentence(values, words):
    with pytest.raises(ValueError, match=words):
        sr.check_user_series(values)


def test_good_user_series_passes():
    out = sr.check_user_series(list(range(25)))
    assert out.dtype == np.float64 and out.shape == (25,)
    assert sr.check_user_series(np.sin(np.arange(2000.0))).shape == (2000,)


def test_parse_numbers_accepts_commas_spaces_and_new_lines():
    np.testing.assert_array_equal(sr.parse_numbers("1, 2 3\n4.5,,-6e1\r\n  .5 "), [1, 2, 3, 4.5, -60, 0.5])


@pytest.mark.parametrize(
    "text, quoted",
    [("1, 2, x", '"x" (item 3)'), ("1 nan 2", '"nan"'), ("1;2 3", '"1;2"'), ("5 " + "y" * 50, '"' + "y" * 30 + '…"')],
)
def test_parse_numbers_names_the_first_non_number(text, quoted):
    with pytest.raises(ValueError, match="is not a number") as err:
        sr.parse_numbers(text)
    assert quoted in str(err.value)
    assert "y" * 31 not in str(err.value)


def test_parse_numbers_refuses_empty_text():
    with pytest.raises(ValueError, match="No numbers"):
        sr.parse_numbers(" ,\n ")


# --- baselines -------------------------------------------------------------------------------------------------


def test_persistence_and_seasonal_naive_on_a_hand_made_series():
    v = np.array([1.0, 4.0, 9.0, 16.0, 25.0, 36.0])
    np.testing.assert_array_equal(fc.one_step_persistence(v, 3), [9.0, 16.0, 25.0])
    np.testing.assert_array_equal(fc.one_step_seasonal_naive(v, 3, season=2), [4.0, 9.0, 16.0])
    np.testing.assert_array_equal(fc.one_step_seasonal_naive(v, 4, season=4), [1.0, 4.0])
    with pytest.raises(ValueError):
        fc.one_step_seasonal_naive(v, 1, season=2)


def _ar2(n, a_older, a_newer, c, noise, seed=7):
    rng = np.random.default_rng(seed)
    x = np.zeros(n)
    e = rng.normal(size=n) * noise
    for t in range(2, n):
        x[t] = c + a_older * x[t - 2] + a_newer * x[t - 1] + e[t]
    return x


def test_ar_fit_recovers_a_synthetic_ar2():
    x = _ar2(200_000, a_older=-0.6, a_newer=1.2, c=1.0, noise=1.0)
    model = fc.fit_ar(x, order=2)
    np.testing.assert_allclose(model.coef, [-0.6, 1.2], atol=1e-2)  # oldest first
    assert model.intercept == pytest.approx(1.0, abs=5e-2)


def test_ar_fit_is_exact_without_noise_and_predicts_one_step():
    # start from a state off the fixed point, so the decaying oscillation keeps the design full rank
    x = np.r_[3.0, -1.0]
    for _ in range(58):
        x = np.r_[x, 2.0 - 0.5 * x[-2] + 0.9 * x[-1]]
    model = fc.fit_ar(x, order=2)
    np.testing.assert_allclose(model.coef, [-0.5, 0.9], atol=1e-9)
    assert model.intercept == pytest.approx(2.0, abs=1e-9)
    np.testing.assert_allclose(model.predict_one_step(x, 40), x[40:], atol=1e-9)


def test_ar_fit_equals_the_normal_equation_solution():
    rng = np.random.default_rng(3)
    train = rng.normal(size=120).cumsum() * 0.3 + rng.normal(size=120)
    order = 5
    rows = [[*train[t - order : t], 1.0] for t in range(order, len(train))]
    a, b = np.array(rows), train[order:]
    solution = np.linalg.solve(a.T @ a, a.T @ b)
    model = fc.fit_ar(train, order=order)
    np.testing.assert_allclose(model.coef, solution[:order], rtol=1e-8, atol=1e-10)
    assert model.intercept == pytest.approx(solution[order], rel=1e-8)
    # one step ahead on later values uses the true values before each target
    later = np.r_[train, rng.normal(size=10)]
    expected = [later[t - order : t] @ solution[:order] + solution[order] for t in range(120, 130)]
    np.testing.assert_allclose(model.predict_one_step(later, 120), expected, rtol=1e-10)
    assert model.predict_next(later[:125]) == pytest.approx(expected[5])


def test_rollout_feeds_predictions_back():
    # next = sum of the last two values of a 3-wide window: a Fibonacci rollout
    out = fc.rollout(lambda w: w[-1] + w[-2], np.array([100.0, 0.0, 1.0, 1.0]), steps=5, window=3)
    np.testing.assert_array_equal(out, [2.0, 3.0, 5.0, 8.0, 13.0])
    seen = []
    fc.rollout(lambda w: seen.append(w.copy()) or 0.0, np.arange(5.0), steps=2, window=3)
    np.testing.assert_array_equal(seen, [[2.0, 3.0, 4.0], [3.0, 4.0, 0.0]])
    with pytest.raises(ValueError):
        fc.rollout(lambda w: 0.0, np.arange(2.0), steps=1, window=3)


def test_metrics_on_a_hand_made_example():
    assert fc.mae([1.0, 2.0, 6.0], [1.0, 4.0, 3.0]) == pytest.approx(5 / 3)
    assert fc.rmse([1.0, 2.0, 6.0], [1.0, 4.0, 3.0]) == pytest.approx(np.sqrt(13 / 3))
    with pytest.raises(ValueError):
        fc.mae([1.0], [1.0, 2.0])


def test_real_held_out_figures(sunspots):
    table = fc.baseline_table(sunspots)
    for name, row in table.items():
        print(
            f"{name:15s} one-step MAE {row['one_step_mae']:6.2f}  RMSE {row['one_step_rmse']:6.2f}"
            f"  rollout MAE {row['rollout_mae']:6.2f}"
        )
    assert set(table) == {"persistence", "seasonal_naive", "linear_ar"}
    held = sunspots.values[269:]
    # independent persistence figure: each held-out year predicted by the year before
    assert table["persistence"]["one_step_mae"] == pytest.approx(np.mean(np.abs(held - sunspots.values[268:308])))
    assert table["persistence"]["rollout_mae"] == pytest.approx(np.mean(np.abs(held - sunspots.values[268])))
    assert table["linear_ar"]["one_step_mae"] < table["persistence"]["one_step_mae"]
    assert table["linear_ar"]["one_step_rmse"] < table["persistence"]["one_step_rmse"]

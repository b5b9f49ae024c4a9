//! The run's curves as SVG and PNG (the same drawing on both backends): supply against
//! the cap, emission per item across halvings, burn and treasury, labeller income, and
//! attackers' return on cost by LBL price.
//!
//! PNG text needs a TrueType font: DejaVu Sans (Debian `fonts-dejavu-core`) at its usual
//! paths, or the file `LABELCHAIN_CHART_FONT` names. SVG text uses the viewer's fonts.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::economy::Run;
use crate::gas::Gas;
use crate::SimError;

const SIZE: (u32, u32) = (1100, 650);
const FONT_PATHS: [&str; 3] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];

pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Drawn against the right-hand axis.
    pub secondary: bool,
}

pub struct Chart {
    /// File stem: `NAME.svg` and `NAME.png`.
    pub file: &'static str,
    pub title: String,
    pub x_label: &'static str,
    pub y_label: &'static str,
    pub y2_label: Option<&'static str>,
    pub x_log: bool,
    /// Log y axis: for values spanning orders of magnitude (emission per item).
    pub y_log: bool,
    pub series: Vec<Series>,
}

fn series(name: &str, points: Vec<(f64, f64)>) -> Series {
    Series {
        name: name.into(),
        points,
        secondary: false,
    }
}

/// Every chart of a run, as `(file name, bytes)`.
pub fn render_all(run: &Run) -> Result<Vec<(String, Vec<u8>)>, SimError> {
    register_font()?;
    let mut out = Vec::new();
    for c in charts(run) {
        out.push((format!("{}.svg", c.file), svg(&c)?.into_bytes()));
        out.push((format!("{}.png", c.file), png(&c)?));
    }
    Ok(out)
}

/// The five charts' data.
pub fn charts(run: &Run) -> Vec<Chart> {
    let mut v = vec![
        supply_chart(run),
        emission_chart(run),
        burn_treasury_chart(run),
        income_chart(run),
    ];
    if !run.attackers.is_empty() {
        v.push(roi_chart(run));
    }
    v
}

fn years(day: u32) -> f64 {
    day as f64 / 365.0
}

fn millions(x: f64) -> f64 {
    x / 1e6
}

/// Supply, emission and burn against the cap.
fn supply_chart(run: &Run) -> Chart {
    let days = &run.days;
    let name = &run.scenario.name;
    let s = &run.scenario;
    Chart {
        file: "supply",
        title: format!("LBL supply against the cap ({name})"),
        x_label: "years",
        y_label: "million LBL",
        y2_label: None,
        x_log: false,
        y_log: false,
        series: vec![
            series(
                "cap",
                days.iter()
                    .map(|d| (years(d.day), millions(s.params.cap_lbl as f64)))
                    .collect(),
            ),
            series(
                "total supply",
                days.iter()
                    .map(|d| (years(d.day), millions(d.supply_lbl)))
                    .collect(),
            ),
            series(
                "emitted (cumulative)",
                days.iter()
                    .map(|d| (years(d.day), millions(d.emitted_lbl)))
                    .collect(),
            ),
            series(
                "burned (cumulative)",
                days.iter()
                    .map(|d| (years(d.day), millions(d.burned_lbl)))
                    .collect(),
            ),
        ],
    }
}

/// What an item mints against the schedule's ceiling, as emission-earning items accrue.
fn emission_chart(run: &Run) -> Chart {
    let days = &run.days;
    let name = &run.scenario.name;
    Chart {
        file: "emission_per_item",
        title: format!("Emission per item across halvings ({name})"),
        x_label: "emission-earning items so far (millions)",
        y_label: "LBL per item (log scale)",
        y2_label: None,
        x_log: false,
        y_log: true,
        series: vec![
            series(
                "schedule e(n) at 1.0x (ceiling)",
                days.iter()
                    .map(|d| (millions(d.verified_items as f64), d.schedule_lbl))
                    .collect(),
            ),
            series(
                "minted per item (fee-bounded, mean of the day)",
                days.iter()
                    .filter(|d| d.emission_per_item_lbl > 0.0)
                    .map(|d| (millions(d.verified_items as f64), d.emission_per_item_lbl))
                    .collect(),
            ),
        ],
    }
}

/// Cumulative burn and the treasury's holdings in both tokens.
fn burn_treasury_chart(run: &Run) -> Chart {
    let days = &run.days;
    let name = &run.scenario.name;
    Chart {
        file: "burn_treasury",
        title: format!("Burn and treasury ({name})"),
        x_label: "years",
        y_label: "million LBL",
        y2_label: Some("thousand USD"),
        x_log: false,
        y_log: false,
        series: vec![
            series(
                "burned (cumulative)",
                days.iter()
                    .map(|d| (years(d.day), millions(d.burned_lbl)))
                    .collect(),
            ),
            series(
                "treasury LBL",
                days.iter()
                    .map(|d| (years(d.day), millions(d.treasury_lbl)))
                    .collect(),
            ),
            Series {
                name: "treasury stablecoin (right axis)".into(),
                points: days
                    .iter()
                    .map(|d| (years(d.day), d.treasury_usd / 1e3))
                    .collect(),
                secondary: true,
            },
        ],
    }
}

/// What honest labellers earn per day, in USD and in LBL.
fn income_chart(run: &Run) -> Chart {
    let days = &run.days;
    let name = &run.scenario.name;
    Chart {
        file: "labeller_income",
        title: format!("Honest labellers' income per day, all labellers ({name})"),
        x_label: "years",
        y_label: "USD per day",
        y2_label: Some("LBL-equivalent per day"),
        x_log: false,
        y_log: false,
        series: vec![
            series(
                "income in USD",
                days.iter()
                    .map(|d| (years(d.day), d.labeller_income_usd))
                    .collect(),
            ),
            Series {
                name: "income in LBL at the day's price (right axis)".into(),
                points: days
                    .iter()
                    .map(|d| (years(d.day), d.labeller_income_lbl))
                    .collect(),
                secondary: true,
            },
        ],
    }
}

/// Each attacker's return on cost if all its LBL flows are valued at price `p`.
fn roi_chart(run: &Run) -> Chart {
    let mk = &run.scenario.market;
    let prices: Vec<f64> = (0..=80)
        .map(|i| 10f64.powf(-3.0 + i as f64 * 0.05))
        .collect();
    let mut list = Vec::new();
    for (i, b) in run.attackers.iter().enumerate() {
        let g = Gas::usd(b.gas, mk.gas_price_gwei, mk.eth_usd);
        let label = format!(
            "{} {}",
            b.kind.map(|k| k.name()).unwrap_or("?"),
            asset_note(run, i)
        );
        let points = prices
            .iter()
            .map(|&p| (p, (100.0 * b.roi(p, g)).clamp(-ROI_FLOOR, ROI_CEILING)))
            .collect();
        list.push(series(label.trim(), points));
    }
    list.push(series(
        "zero return",
        vec![(prices[0], 0.0), (prices[prices.len() - 1], 0.0)],
    ));
    if let Some(b) = crate::report::FarmingCheck::of(run).break_even_usd {
        let name = format!("stablecoin farming break-even ({b:.3} USD)");
        list.push(series(&name, vec![(b, -ROI_FLOOR), (b, ROI_CEILING)]));
    }
    Chart {
        file: "attacker_roi",
        title: format!(
            "Attackers' return on cost by LBL price ({}; clipped at {ROI_CEILING} %)",
            run.scenario.name
        ),
        x_label: "LBL price (USD, log scale)",
        y_label: "return on cost (%)",
        y2_label: None,
        x_log: true,
        y_log: false,
        series: list,
    }
}

/// The ROI chart's y range, in %: returns beyond it are drawn at the edge (the CSV has
/// the exact figures), so a runaway line does not flatten the others.
const ROI_FLOOR: f64 = 100.0;
const ROI_CEILING: f64 = 500.0;

fn asset_note(run: &Run, i: usize) -> &'static str {
    let a = &run.scenario.attackers[i];
    match a.kind {
        crate::scenario::AttackKind::Farmer | crate::scenario::AttackKind::EscalationForcer => {
            match a.asset {
                crate::books::Asset::Lbl => "(LBL tasks)",
                crate::books::Asset::Stable => "(stablecoin tasks)",
            }
        }
        _ => "",
    }
}

fn register_font() -> Result<(), SimError> {
    static FONT: OnceLock<Result<(), String>> = OnceLock::new();
    let r = FONT.get_or_init(|| {
        let candidates: Vec<String> = std::env::var("LABELCHAIN_CHART_FONT").into_iter().chain(FONT_PATHS.iter().map(|s| s.to_string())).collect();
        let bytes = candidates.iter().find_map(|p| std::fs::read(p).ok()).ok_or_else(|| {
            format!("no TrueType font for the PNG charts: install DejaVu Sans (Debian: apt-get install fonts-dejavu-core) or point LABELCHAIN_CHART_FONT at a .ttf (looked in {})", candidates.join(", "))
        })?;
        let leaked: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        plotters::style::register_font("sans-serif", FontStyle::Normal, leaked).map_err(|_| "the chart font is not a valid TrueType file".to_owned())
    });
    r.clone().map_err(|message| SimError::Chart {
        chart: "fonts",
        message,
    })
}

fn svg(c: &Chart) -> Result<String, SimError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        draw(&root, c).map_err(|message| SimError::Chart {
            chart: c.file,
            message,
        })?;
    }
    Ok(out)
}

fn png(c: &Chart) -> Result<Vec<u8>, SimError> {
    let (w, h) = SIZE;
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        draw(&root, c).map_err(|message| SimError::Chart {
            chart: c.file,
            message,
        })?;
    }
    let mut bytes = Vec::new();
    let err = |e: png::EncodingError| SimError::Chart {
        chart: c.file,
        message: e.to_string(),
    };
    {
        let mut enc = png::Encoder::new(&mut bytes, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(err)?;
        writer.write_image_data(&rgb).map_err(err)?;
    }
    Ok(bytes)
}

fn bounds<'a>(series: impl Iterator<Item = &'a Series>, y_log: bool) -> ((f64, f64), (f64, f64)) {
    let (mut x0, mut x1, mut y1) = (f64::MAX, f64::MIN, f64::MIN);
    let mut y0: f64 = if y_log { f64::MAX } else { 0.0 };
    for s in series {
        for &(x, y) in &s.points {
            if y_log && y <= 0.0 {
                continue;
            }
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
    }
    if x0 >= x1 {
        x1 = x0 + 1.0;
    }
    if y_log {
        let y0 = if y0 == f64::MAX { 1e-3 } else { y0 / 2.0 };
        return ((x0, x1), (y0, (y1 * 2.0).max(y0 * 10.0)));
    }
    if y1 <= y0 {
        y1 = y0 + 1.0;
    }
    // Headroom above the data for the legend box (upper corners).
    let span = y1 - y0;
    (
        (x0, x1),
        (
            y0 - if y0 < 0.0 { span * 0.05 } else { 0.0 },
            y1 + span * 0.3,
        ),
    )
}

const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(90, 90, 90),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Mesh, series and legend of an already built chart (the coordinate types differ per
/// axis kind, so this is a macro rather than a generic function).
macro_rules! plot {
    ($chart:expr, $c:expr, $e:expr, $legend_at:expr) => {{
        $chart
            .configure_mesh()
            .x_desc($c.x_label)
            .y_desc($c.y_label)
            .y_label_formatter(&|v: &f64| tick(*v))
            .x_label_formatter(&|v: &f64| tick(*v))
            .label_style(("sans-serif", 16))
            .axis_desc_style(("sans-serif", 18))
            .draw()
            .map_err($e)?;
        for (i, s) in $c.series.iter().enumerate().filter(|(_, s)| !s.secondary) {
            let color = PALETTE[i % PALETTE.len()];
            $chart
                .draw_series(LineSeries::new(
                    s.points.iter().copied(),
                    color.stroke_width(2),
                ))
                .map_err($e)?
                .label(&s.name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
                });
        }
    }};
}

/// Tick labels without spurious decimals: 0.001, 0.5, 12, 1500.
fn tick(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}").trim_end_matches(".0").to_owned()
    } else {
        format!("{v:.4}").trim_end_matches('0').to_owned()
    }
}

macro_rules! legend {
    ($chart:expr, $e:expr, $at:expr) => {
        $chart
            .configure_series_labels()
            .position($at)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(("sans-serif", 16))
            .draw()
            .map_err($e)?
    };
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &Chart) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(e)?;
    let ((x0, x1), (y0, y1)) = bounds(c.series.iter().filter(|s| !s.secondary), c.y_log);
    let mut b = ChartBuilder::on(root);
    b.caption(&c.title, ("sans-serif", 26))
        .margin(18)
        .x_label_area_size(55)
        .y_label_area_size(80)
        .right_y_label_area_size(if c.y2_label.is_some() { 90 } else { 0 });
    if c.x_log {
        let mut chart = b
            .build_cartesian_2d((x0..x1).log_scale(), y0..y1)
            .map_err(e)?;
        plot!(chart, c, e, SeriesLabelPosition::UpperLeft);
        legend!(chart, e, SeriesLabelPosition::UpperLeft);
    } else if c.y_log {
        let mut chart = b
            .build_cartesian_2d(x0..x1, (y0..y1).log_scale())
            .map_err(e)?;
        plot!(chart, c, e, SeriesLabelPosition::UpperRight);
        legend!(chart, e, SeriesLabelPosition::UpperRight);
    } else {
        let (_, (z0, z1)) = bounds(c.series.iter().filter(|s| s.secondary), false);
        let mut chart = b
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(e)?
            .set_secondary_coord(x0..x1, z0..z1);
        plot!(chart, c, e, SeriesLabelPosition::UpperLeft);
        if let Some(y2) = c.y2_label {
            chart
                .configure_secondary_axes()
                .y_desc(y2)
                .y_label_formatter(&|v: &f64| tick(*v))
                .label_style(("sans-serif", 16))
                .axis_desc_style(("sans-serif", 18))
                .draw()
                .map_err(e)?;
            for (i, s) in c.series.iter().enumerate().filter(|(_, s)| s.secondary) {
                let color = PALETTE[i % PALETTE.len()];
                let line = LineSeries::new(s.points.iter().copied(), color.stroke_width(2));
                chart
                    .draw_secondary_series(line)
                    .map_err(e)?
                    .label(&s.name)
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
                    });
            }
        }
        legend!(chart, e, SeriesLabelPosition::UpperLeft);
    }
    root.present().map_err(e)
}

//! Inline SVG charts for the HTML report: tools by outcome, and E2EE status per channel. Plain
//! shapes and text, no script, so they render offline, in mail clients and in print. Every
//! segment (`rect.seg`) carries its number as text (`.seg-count`), not only as a colour.

use std::fmt::Write;

use super::esc;
use crate::output::evidence::{Report, ToolOutcome};

/// Outcome colours, by [`ToolOutcome::ALL`] order.
const OUTCOME_COLOURS: [&str; 7] = [
    "#c62828", "#f9a825", "#6a1b9a", "#455a64", "#ef6c00", "#2e7d32", "#9e9e9e",
];

/// Catalog statuses, strongest first, with their colours.
const STATUSES: [(&str, &str); 7] = [
    ("default", "#2e7d32"),
    ("partial", "#9e9d24"),
    ("opt-in", "#f9a825"),
    ("admin-opt-in", "#ef6c00"),
    ("org-keys", "#ad1457"),
    ("none", "#c62828"),
    ("unknown", "#9e9e9e"),
];

const CHANNELS: [&str; 6] = crate::outcome::Channel::NAMES;

/// Horizontal bars: one per outcome.
pub(super) fn outcomes(report: &Report) -> String {
    let counts: Vec<usize> = ToolOutcome::ALL
        .iter()
        .map(|o| report.summary.outcomes.get(*o))
        .collect();
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (130, 300, 26);
    let height = row_h * counts.len() + 10;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-outcomes-title\" \
         xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" \
         viewBox=\"0 0 {w} {height}\"><title id=\"chart-outcomes-title\">Tools by outcome</title>",
        w = label_w + bar_w + 60
    );
    for (i, (outcome, count)) in ToolOutcome::ALL.iter().zip(&counts).enumerate() {
        let y = 5 + i * row_h;
        let width = bar_w * count / max;
        let _ = write!(
            svg,
            "<text x=\"{x}\" y=\"{ty}\" text-anchor=\"end\">{name}</text>\
             <rect class=\"seg\" x=\"{bx}\" y=\"{y}\" width=\"{width}\" height=\"18\" fill=\"{colour}\"/>\
             <text class=\"seg-count\" x=\"{cx}\" y=\"{ty}\">{count}</text>",
            x = label_w - 8,
            ty = y + 14,
            name = outcome.as_str(),
            bx = label_w,
            colour = OUTCOME_COLOURS[i],
            cx = label_w + width + 6,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One stacked bar per channel: how many tools in scope use it with each catalog status.
pub(super) fn channels(report: &Report) -> String {
    let mut counts = [[0usize; STATUSES.len()]; CHANNELS.len()];
    for tool in report.tools.iter() {
        if tool.outcome == ToolOutcome::NotApplicable {
            continue;
        }
        for channel in tool.channels.iter() {
            let c = CHANNELS.iter().position(|c| *c == channel.channel);
            let s = STATUSES.iter().position(|(s, _)| *s == channel.status);
            if let (Some(c), Some(s)) = (c, s) {
                counts[c][s] += 1;
            }
        }
    }
    let max = counts
        .iter()
        .map(|row| row.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    // Each row: the bar, then a line with each segment's status and count.
    let (label_w, bar_w, row_h) = (100, 330, 44);
    let legend_y = row_h * CHANNELS.len() + 14;
    let height = legend_y + 30;
    let legend_w: usize = STATUSES.iter().map(|(s, _)| 22 + s.len() * 7).sum();
    let width = (label_w + bar_w + 60).max(legend_w + 8);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-channels-title\" \
         xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\"><title id=\"chart-channels-title\">E2EE status per \
         channel (tools in scope)</title>"
    );
    for (i, channel) in CHANNELS.iter().enumerate() {
        let y = 5 + i * row_h;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{channel}</text>",
            label_w - 8,
            y + 14
        );
        let mut x = label_w;
        let mut texts = Vec::new();
        for (s, count) in counts[i].iter().enumerate() {
            if *count == 0 {
                continue;
            }
            let w = (bar_w * count / max).max(2);
            let (status, colour) = STATUSES[s];
            let _ = write!(
                svg,
                "<rect class=\"seg\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"18\" \
                 fill=\"{colour}\"><title>{channel}: {count} {}</title></rect>",
                esc(status)
            );
            texts.push(format!(
                "<tspan class=\"seg-count\">{} {count}</tspan>",
                esc(status)
            ));
            x += w;
        }
        let total: usize = counts[i].iter().sum();
        let _ = write!(svg, "<text x=\"{}\" y=\"{}\">{total}</text>", x + 6, y + 14);
        if !texts.is_empty() {
            let _ = write!(
                svg,
                "<text class=\"small\" x=\"{label_w}\" y=\"{}\">{}</text>",
                y + 33,
                texts.join(" · ")
            );
        }
    }
    let mut x = 4;
    for (status, colour) in STATUSES {
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{legend_y}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"legend\">{status}</text>",
            x + 16,
            legend_y + 11
        );
        x += 22 + status.len() * 7;
    }
    svg.push_str("</svg>");
    svg
}

//! Generates synthetic, deterministic tool inventories (format version 1) for benchmarks.
//!
//! Usage:
//!
//! ```text
//! cargo run --release --example gen-inventory -- --tools N --files M --out DIR [--seed S]
//! ```
//!
//! Writes `DIR/inventory-0001.yaml` … `DIR/inventory-MMMM.yaml`, each holding N tools.
//! The output mixes catalog systems under many alias spellings with tools the catalog does
//! not know, and exercises every field of the format plus the YAML surface a real
//! inventory has (comments, quoted and plain scalars, flow and block collections,
//! folded and literal notes). It averages roughly 250 bytes per tool: 100,000 tools make
//! 24.6 MB, or 26.5 MB when the seed indents the `tools:` list.
//!
//! Std-only on purpose: the benchmark input must not depend on a crate's RNG changing
//! its output between versions.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// SplitMix64: tiny, fast, and its output is fixed by its definition, which keeps a given
/// seed producing byte-identical files across Rust versions and platforms.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-enough integer in `0..n` (modulo bias is irrelevant for test data).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A system the linter's catalog knows, with the spellings inventories use for it.
/// Spellings deliberately vary case and separators ("microsoft-teams") so that benchmarks
/// pay for name normalisation just as real inputs do.
struct Known {
    spellings: &'static [&'static str],
    vendor: &'static str,
    categories: &'static [&'static str],
}

const KNOWN: &[Known] = &[
    Known {
        spellings: &["Signal", "signal", "SIGNAL", "Signal Messenger"],
        vendor: "Signal Technology Foundation",
        categories: &["messaging", "voice"],
    },
    Known {
        spellings: &[
            "Matrix",
            "matrix",
            "Element",
            "element",
            "Riot",
            "Element X",
            "element x",
            "Riot.im",
        ],
        vendor: "Element (New Vector Ltd)",
        categories: &["messaging", "collaboration"],
    },
    Known {
        spellings: &[
            "WhatsApp",
            "whatsapp",
            "WhatsApp Business",
            "whatsapp-business",
            "WhatsApp Messenger",
        ],
        vendor: "Meta",
        categories: &["messaging", "voice"],
    },
    Known {
        spellings: &["Wire", "wire", "Wire Enterprise"],
        vendor: "Wire Swiss GmbH",
        categories: &["messaging", "collaboration"],
    },
    Known {
        spellings: &["Telegram", "telegram", "TELEGRAM"],
        vendor: "Telegram FZ-LLC",
        categories: &["messaging"],
    },
    Known {
        spellings: &["Discord", "discord"],
        vendor: "Discord Inc.",
        categories: &["messaging", "voice", "other"],
    },
    Known {
        spellings: &[
            "Zoom",
            "zoom",
            "Zoom Meetings",
            "zoom meetings",
            "Zoom Team Chat",
            "zoom-team-chat",
            "Zoom Workplace",
        ],
        vendor: "Zoom Video Communications, Inc.",
        categories: &["video-conferencing", "messaging"],
    },
    Known {
        spellings: &["Slack", "slack", "SLACK", "Slack Huddles"],
        vendor: "Salesforce",
        categories: &["messaging", "collaboration"],
    },
    Known {
        spellings: &[
            "Microsoft Teams",
            "microsoft teams",
            "microsoft-teams",
            "MS Teams",
            "ms teams",
            "MSTeams",
            "Teams",
            "TEAMS",
        ],
        vendor: "Microsoft",
        categories: &["video-conferencing", "collaboration", "messaging"],
    },
];

/// Tools no catalog entry matches: the linter must look them up and move on cheaply.
/// (name, category, vendor). None may match an entry of `rules/catalog.yaml` (which knows
/// more than the nine systems above, e.g. Threema, Mattermost, Google Chat): benchmarks
/// compare findings with a Spectral port that covers only those nine.
const UNKNOWN: &[(&str, &str, &str)] = &[
    ("Jira", "collaboration", "Atlassian"),
    ("Confluence", "collaboration", "Atlassian"),
    ("Rocket.Chat", "messaging", "Rocket.Chat Technologies"),
    ("Zulip", "messaging", "Kandra Labs"),
    ("Pumble", "messaging", "CAKE.com"),
    ("Google Meet", "video-conferencing", "Google"),
    ("Webex", "video-conferencing", "Cisco"),
    ("Jitsi Meet", "video-conferencing", "8x8"),
    ("GoTo Meeting", "video-conferencing", "GoTo"),
    ("RingCentral", "voice", "RingCentral, Inc."),
    ("Gmail", "email", "Google"),
    ("Outlook", "email", "Microsoft"),
    ("Proton Mail", "email", "Proton AG"),
    ("Notion", "collaboration", "Notion Labs"),
    ("Asana", "collaboration", "Asana, Inc."),
    ("Miro", "collaboration", "RealtimeBoard"),
    ("PagerDuty", "other", "PagerDuty, Inc."),
];

const ORGS: &[&str] = &[
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Hooli Europe",
    "Wayne Enterprises",
];
const OWNERS: &[&str] = &[
    "it@acme.example",
    "secops@acme.example",
    "collab-team@acme.example",
    "Jane Doe",
    "Platform Engineering",
    "r.ng@globex.example",
];
const CLASSIFICATIONS: &[&str] = &["public", "internal", "confidential", "restricted"];
const E2EE: &[&str] = &["enforced", "optional", "disabled", "unknown"];
const STATUSES: &[&str] = &["approved", "approved", "pilot", "deprecated", "banned"];
const CHANNELS: &[&str] = &["text", "voice", "video"];
const TEAMS: &[&str] = &["platform", "sales", "support", "legal", "hr", "research"];
const REGIONS: &[&str] = &["eu-west", "us-east", "ap-south"];
const SECTION_COMMENTS: &[&str] = &[
    "--- engineering ---",
    "Imported from the 2024 SaaS audit",
    "TODO: confirm owner with procurement",
    "Added after the security review",
];
const TRAILING_COMMENTS: &[&str] = &[
    "per vendor docs",
    "admin toggle pending",
    "see SEC-1123",
    "checked 2024-Q4",
];
/// Note fragments; their length is what tunes the average bytes per tool.
const NOTE_WORDS: &[&str] = &[
    "Rolled out to all staff",
    "used by the support desk",
    "guest access disabled",
    "review due next quarter",
    "retention set to 90 days",
    "SSO via Okta",
    "legacy workspace",
    "exports reviewed monthly",
    "contract renews in March",
    "pending DPA signature",
];

struct Args {
    tools: usize,
    files: usize,
    out: PathBuf,
    seed: u64,
}

const USAGE: &str = "usage: gen-inventory --tools N --files M --out DIR [--seed S]";

fn parse_args() -> Result<Args, String> {
    let mut tools = 100;
    let mut files = 1;
    let mut out = None;
    let mut seed = 1;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.to_string());
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let num = || {
            value
                .parse::<u64>()
                .map_err(|e| format!("{flag} {value}: {e}"))
        };
        match flag.as_str() {
            "--tools" => tools = num()? as usize,
            "--files" => files = num()? as usize,
            "--seed" => seed = num()?,
            "--out" => out = Some(PathBuf::from(&value)),
            _ => return Err(format!("unknown argument {flag}\n{USAGE}")),
        }
    }
    let out = out.ok_or_else(|| format!("--out is required\n{USAGE}"))?;
    if files == 0 || files > 9999 {
        return Err("--files must be between 1 and 9999".to_string());
    }
    Ok(Args {
        tools,
        files,
        out,
        seed,
    })
}

/// Render `s` as a YAML scalar, choosing plain, single- or double-quoted style at random
/// where the text allows, so parsers see every style. Text that would not survive as a
/// plain scalar is always quoted.
fn scalar(rng: &mut Rng, s: &str) -> String {
    let plain_ok = !s.is_empty()
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c))
        && !s.ends_with(':');
    match rng.below(10) {
        0..=5 if plain_ok => s.to_string(),
        6 | 7 => format!("'{}'", s.replace('\'', "''")),
        _ => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
    }
}

fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

fn notes(rng: &mut Rng) -> String {
    let n = 1 + rng.below(4);
    let mut parts: Vec<&str> = (0..n).map(|_| *rng.pick(NOTE_WORDS)).collect();
    parts.dedup();
    parts.join("; ")
}

/// Writes one tool as a block-sequence entry. `ind` is the indentation of the `-`.
fn write_tool(w: &mut impl Write, rng: &mut Rng, index: usize, ind: &str) -> io::Result<()> {
    // ~60% catalog systems so the rules have plenty to report; the rest exercise the
    // unknown-tool path. Unknown names sometimes carry a number ("Acme Chat 7") to mimic
    // in-house tools and to keep names from being a tiny fixed set.
    let (name, vendor, category) = if rng.chance(60) {
        let k = rng.pick(KNOWN);
        (
            rng.pick(k.spellings).to_string(),
            k.vendor,
            *rng.pick(k.categories),
        )
    } else if rng.chance(20) {
        let n = 1 + rng.below(40);
        let name = format!(
            "{} Chat {n}",
            rng.pick(ORGS).split(' ').next().unwrap_or("Acme")
        );
        (name, "in-house", "messaging")
    } else {
        let (n, c, v) = *rng.pick(UNKNOWN);
        (n.to_string(), v, c)
    };

    if rng.chance(12) {
        writeln!(w, "{ind}# {}", rng.pick(SECTION_COMMENTS))?;
    }
    let f = format!("{ind}  "); // field indentation under the `- `
    writeln!(w, "{ind}- name: {}", scalar(rng, &name))?;
    if rng.chance(75) {
        writeln!(w, "{f}category: {category}")?;
    }
    if rng.chance(65) {
        writeln!(w, "{f}vendor: {}", scalar(rng, vendor))?;
    }
    if rng.chance(60) {
        let owner = *rng.pick(OWNERS);
        writeln!(w, "{f}owner: {}", scalar(rng, owner))?;
    }
    if rng.chance(65) {
        writeln!(w, "{f}data_classification: {}", rng.pick(CLASSIFICATIONS))?;
    }
    // Omitted channels mean "all channels"; otherwise a non-empty subset in either style.
    if rng.chance(70) {
        let mask = 1 + rng.below(7);
        let chans: Vec<&str> = (0..3)
            .filter(|b| mask & (1 << b) != 0)
            .map(|b| CHANNELS[b])
            .collect();
        if rng.chance(70) {
            writeln!(w, "{f}channels: [{}]", chans.join(", "))?;
        } else {
            writeln!(w, "{f}channels:")?;
            for c in chans {
                writeln!(w, "{f}  - {c}")?;
            }
        }
    }
    if rng.chance(60) {
        let e = rng.pick(E2EE);
        if rng.chance(15) {
            writeln!(w, "{f}e2ee: {e}  # {}", rng.pick(TRAILING_COMMENTS))?;
        } else {
            writeln!(w, "{f}e2ee: {e}")?;
        }
    }
    // Mostly present: entries for the same system without distinct ids are duplicates to
    // the linter, and a benchmark drowning in those would measure little else.
    if rng.chance(85) {
        writeln!(w, "{f}id: {}-{index:06}", slug(&name))?;
    }
    if rng.chance(60) {
        let status = rng.pick(STATUSES);
        if rng.chance(20) {
            writeln!(w, "{f}status: {status}  # {}", rng.pick(TRAILING_COMMENTS))?;
        } else {
            writeln!(w, "{f}status: {status}")?;
        }
    }
    // Label values that look like numbers or dates are quoted, as a careful author would:
    // `labels` is a string map.
    if rng.chance(50) {
        let cost = format!("\"{}\"", 100 + rng.below(9900));
        let team = *rng.pick(TEAMS);
        let region = *rng.pick(REGIONS);
        if rng.chance(50) {
            writeln!(
                w,
                "{f}labels: {{cost-center: {cost}, team: {team}, region: {region}}}"
            )?;
        } else {
            writeln!(w, "{f}labels:")?;
            writeln!(w, "{f}  cost-center: {cost}")?;
            writeln!(w, "{f}  team: {team}")?;
            if rng.chance(50) {
                writeln!(w, "{f}  reviewed: \"2024-{:02}-15\"", 1 + rng.below(12))?;
            }
        }
    }
    if rng.chance(80) {
        match rng.below(10) {
            0 => {
                writeln!(w, "{f}notes: >-")?;
                writeln!(w, "{f}  {}", notes(rng))?;
                writeln!(w, "{f}  {}", notes(rng))?;
            }
            1 => {
                writeln!(w, "{f}notes: |")?;
                writeln!(w, "{f}  {}", notes(rng))?;
            }
            _ => {
                let text = notes(rng);
                writeln!(w, "{f}notes: {}", scalar(rng, &text))?;
            }
        }
    }
    Ok(())
}

fn write_file(path: &Path, tools: usize, rng: &mut Rng, file_no: usize) -> io::Result<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    write_inventory(&mut w, tools, rng, file_no)?;
    w.flush()?;
    Ok(fs::metadata(path)?.len())
}

/// One generated inventory in memory, as file 1 of seed `seed` (used by `benches/`).
pub fn inventory(tools: usize, seed: u64) -> String {
    let mut bytes = Vec::new();
    write_inventory(&mut bytes, tools, &mut Rng::new(seed), 1).expect("writing to memory");
    String::from_utf8(bytes).expect("the generator writes UTF-8")
}

fn write_inventory(
    w: &mut impl Write,
    tools: usize,
    rng: &mut Rng,
    file_no: usize,
) -> io::Result<()> {
    writeln!(
        w,
        "# Tool inventory {file_no:04}, generated by gen-inventory"
    )?;
    if rng.chance(50) {
        writeln!(w, "---")?;
    }
    if rng.chance(50) {
        writeln!(w, "version: 1")?;
    }
    if rng.chance(80) {
        let org = *rng.pick(ORGS);
        writeln!(w, "organization: {}", scalar(rng, org))?;
    }
    writeln!(w, "tools:")?;
    // Both indentations of a block sequence under a key are common in the wild.
    let ind = if rng.chance(50) { "  " } else { "" };
    for i in 0..tools {
        write_tool(w, rng, i, ind)?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = fs::create_dir_all(&args.out) {
        eprintln!("cannot create {}: {e}", args.out.display());
        return ExitCode::FAILURE;
    }
    let mut total = 0;
    for n in 1..=args.files {
        // A per-file stream keeps file K identical however many files are requested.
        let mut rng = Rng::new(args.seed ^ (n as u64).wrapping_mul(0xA076_1D64_78BD_642F));
        let path = args.out.join(format!("inventory-{n:04}.yaml"));
        match write_file(&path, args.tools, &mut rng, n) {
            Ok(bytes) => {
                total += bytes;
                eprintln!(
                    "wrote {} ({} tools, {bytes} bytes)",
                    path.display(),
                    args.tools
                );
            }
            Err(e) => {
                eprintln!("cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    eprintln!(
        "wrote {} file(s), {} tools each, {total} bytes in total (seed {})",
        args.files, args.tools, args.seed
    );
    ExitCode::SUCCESS
}

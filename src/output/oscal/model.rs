//! The OSCAL objects this project writes, as typed structs: each field in the byte order of
//! its name, the order the document has always had (a sorted map's), so the output stays the
//! same byte for byte. OSCAL arrays have one item at least, so empty ones are left out.

use serde::Serialize;

use super::NS;

/// A property; OSCAL strings are one line without surrounding space.
#[derive(Serialize)]
pub(super) struct Prop {
    pub(super) name: &'static str,
    pub(super) ns: &'static str,
    pub(super) value: String,
}

pub(super) fn prop(name: &'static str, value: &str) -> Option<Prop> {
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    (!value.is_empty()).then_some(Prop {
        name,
        ns: NS,
        value,
    })
}

#[derive(Serialize)]
pub(super) struct DocumentHead<'a> {
    #[serde(rename = "import-ap")]
    pub(super) import_ap: Href,
    pub(super) metadata: Metadata<'a>,
    pub(super) uuid: String,
}

#[derive(Serialize)]
pub(super) struct Href {
    pub(super) href: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct Metadata<'a> {
    pub(super) last_modified: &'a str,
    pub(super) oscal_version: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) parties: Vec<Party<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) props: Vec<Prop>,
    pub(super) title: String,
    pub(super) version: &'a str,
}

#[derive(Serialize)]
pub(super) struct Party<'a> {
    pub(super) name: &'a str,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
    pub(super) uuid: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct ResultHead<'a> {
    pub(super) description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) props: Vec<Prop>,
    pub(super) reviewed_controls: ReviewedControls<'a>,
    pub(super) start: &'a str,
    pub(super) title: &'static str,
    pub(super) uuid: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct ReviewedControls<'a> {
    pub(super) control_selections: [Selection<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct Selection<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) include_all: Option<Empty>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) include_controls: Option<Vec<ControlId<'a>>>,
}

#[derive(Serialize)]
pub(super) struct Empty {}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct ControlId<'a> {
    pub(super) control_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct Observation<'a> {
    pub(super) collected: &'a str,
    pub(super) description: String,
    pub(super) methods: [&'static str; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) props: Vec<Prop>,
    pub(super) relevant_evidence: Vec<Evidence<'a>>,
    pub(super) title: String,
    pub(super) uuid: String,
}

#[derive(Serialize)]
pub(super) struct Evidence<'a> {
    pub(super) description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) href: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct RiskItem {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) deadline: Option<String>,
    pub(super) description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) props: Vec<Prop>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) related_observations: Option<Vec<Related>>,
    pub(super) statement: String,
    pub(super) status: &'static str,
    pub(super) title: String,
    pub(super) uuid: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct Related {
    pub(super) observation_uuid: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct FindingItem<'a> {
    pub(super) description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) props: Vec<Prop>,
    pub(super) related_observations: RelatedList<'a>,
    pub(super) target: Target<'a>,
    pub(super) title: String,
    pub(super) uuid: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct Target<'a> {
    pub(super) status: State,
    pub(super) target_id: &'a str,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
}

#[derive(Serialize)]
pub(super) struct State {
    pub(super) state: &'static str,
}

/// Observations by index into the document's UUIDs, each made as it is written.
pub(super) struct RelatedList<'a> {
    pub(super) uuids: &'a [uuid::Uuid],
    pub(super) indices: &'a [u32],
}

impl Serialize for RelatedList<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.indices
                .iter()
                .filter_map(|&i| self.uuids.get(i as usize))
                .map(|u| Related {
                    observation_uuid: u.to_string(),
                }),
        )
    }
}

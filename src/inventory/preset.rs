//! Ready-made `inventory:` mappings for shapes met in the wild (`inventory: {preset: NAME}`).
//! Each is tested on the real public file it was written for (tests/presets.rs).
//!
//! A preset is the same data a config's `inventory:` section gives, so keys written next to
//! `preset:` override it: `tools:` and `unknown_fields:` replace, `fields:` and `values:`
//! replace per field.

/// A value translation to this is "leave the field unset" (written `~` in a config).
pub(crate) const UNSET: &str = "";

/// One preset: where the tools are, which keys feed which fields, and value translations.
pub(crate) struct Preset {
    pub name: &'static str,
    /// What shape it reads, for the docs, `--help` and the schema.
    pub(crate) about: &'static str,
    pub(crate) tools: &'static str,
    /// Our field -> their key or path; [`UNSET`] means the field is not read at all.
    pub(crate) fields: &'static [(&'static str, &'static str)],
    pub(crate) ignore_unknown: bool,
    pub(crate) values: &'static [(&'static str, &'static [(&'static str, &'static str)])],
}

/// GitLab's colour classification (handbook "Data Classification Standard").
const GITLAB_CLASSIFICATION: &[(&str, &str)] = &[
    ("Red", "restricted"),
    ("Orange", "confidential"),
    ("Yellow", "internal"),
    ("Green", "public"),
    // The one entry that explains instead of classifying: it stores no data.
    ("N/A - OSQuery does not store any data", "public"),
];

/// awesome-privacy's sections that hold communication tools, as our categories; every other
/// section leaves `category` unset, so the name-and-notes heuristics still apply to it.
const AWESOME_PRIVACY_SECTIONS: &[(&str, &str)] = &[
    ("Encrypted Messaging", "messaging"),
    ("P2P Messaging", "messaging"),
    ("Team Collaboration", "collaboration"),
    ("VOIP Clients", "voice"),
    ("Secure Conference Calls", "video-conferencing"),
    ("Encrypted Email", "email"),
    ("Email Clients", "email"),
    ("*", UNSET),
];

pub(crate) const PRESETS: &[Preset] = &[
    Preset {
        name: "gitlab-tech-stack",
        about: "GitLab's handbook tech stack (`tech_stack.yml`): a bare list, the name under `title`, colour classifications",
        tools: ".",
        fields: &[
            ("name", "title"),
            ("owner", "group_owner"),
            ("notes", "description"),
            ("data_classification", "data_classification"),
        ],
        ignore_unknown: true,
        values: &[("data_classification", GITLAB_CLASSIFICATION)],
    },
    Preset {
        name: "one-record-per-file",
        about: "a directory of files, each one tool record with `name:` and `description:` (vetthe.app's `data/apps/*.yaml`); their own categories are not read",
        tools: "single",
        fields: &[
            ("name", "name"),
            ("notes", "description"),
            ("category", UNSET),
        ],
        ignore_unknown: true,
        values: &[],
    },
    Preset {
        name: "websites-list",
        about: "a list under `websites:` of entries with `name:` (2fa.directory's per-category files)",
        tools: "websites",
        fields: &[("name", "name")],
        ignore_unknown: true,
        values: &[],
    },
    Preset {
        name: "awesome-privacy",
        about: "services nested in sections in categories (`categories[*].sections[*].services[*]`, awesome-privacy.yml); the section names the category",
        tools: "categories[*].sections[*].services[*]",
        fields: &[
            ("name", "name"),
            ("notes", "description"),
            ("category", "^.name"),
        ],
        ignore_unknown: true,
        values: &[("category", AWESOME_PRIVACY_SECTIONS)],
    },
];

/// The preset of this name.
pub(crate) fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// Every preset's name, for did-you-mean and the schema.
pub(crate) fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

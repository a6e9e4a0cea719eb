//! The figures of the activity reports (`seeds/chiffres_cles.csv`) as read:
//! each with its value, where it comes from and how it can be checked
//! against the data ([`crate::analysis::check`] does the checking).

/// What to do with a reference figure (column `controle`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// Compare with a metric computed from the data (`communes`, `qpv`…).
    Metric(String),
    /// The region's value must equal the sum of the départements' (an
    /// internal check of the report).
    SumOfDepartements,
    /// The region's share must lie between the départements' shares.
    WithinDepartements,
    /// A default parameter of the analyses (32 % non-mobile…).
    Parameter,
    /// Shown for reference: nothing in the data can check it.
    Reference,
}

/// One figure of the reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub id: String,
    pub indicateur: String,
    /// `region` or a département code.
    pub perimetre: String,
    pub valeur: f64,
    pub unite: String,
    pub source: String,
    pub ligne: u64,
    pub control: Control,
    /// The data value for which `explication` holds.
    pub expected_data: Option<f64>,
    pub explication: String,
}

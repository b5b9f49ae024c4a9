//! One exported item: its final (or current) label joined with the requester's manifest.

use serde::{Deserialize, Serialize};

use crate::columns::{Cell, Col};
use crate::error::RowProblem;

/// Where an item stands on chain when it is exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Accepted,
    Void,
    Escalated,
    PendingAudit,
    Open,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Accepted,
        Status::Void,
        Status::Escalated,
        Status::PendingAudit,
        Status::Open,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Accepted => "accepted",
            Status::Void => "void",
            Status::Escalated => "escalated",
            Status::PendingAudit => "pending_audit",
            Status::Open => "open",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// A split of the export; the names are the ones `datasets` recognises in file names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    Train,
    Validation,
    Test,
}

impl Split {
    pub const ALL: [Split; 3] = [Split::Train, Split::Validation, Split::Test];

    pub fn as_str(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Validation => "validation",
            Split::Test => "test",
        }
    }

    pub fn parse(s: &str) -> Option<Split> {
        Split::ALL.into_iter().find(|sp| sp.as_str() == s)
    }
}

/// One row of every file. The column order and types are [`Col::ALL`]'s, nowhere else.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub item: u32,
    pub status: Status,
    pub label: Option<u8>,
    pub label_name: Option<String>,
    /// 1 standard, 2 strong, 3 audited.
    pub tier: Option<u8>,
    pub votes: u8,
    pub commits: u8,
    /// votes / commits; `None` when commits = 0.
    pub agreement: Option<f64>,
    /// The order in which items became final; `None` unless final.
    pub seq: Option<u32>,
    pub uri: String,
    /// SHA-256 of the item's bytes, 64 lowercase hex digits.
    pub sha256: String,
    pub media_type: Option<String>,
    /// The manifest's `metadata` as JSON text.
    pub metadata: Option<String>,
}

impl Row {
    /// The value of one column, in the form every format writes.
    pub fn cell(&self, col: Col) -> Cell<'_> {
        fn int(v: Option<impl Into<i64>>) -> Cell<'static> {
            v.map_or(Cell::Null, |v| Cell::Int(v.into()))
        }
        fn text(v: &Option<String>) -> Cell<'_> {
            v.as_deref().map_or(Cell::Null, Cell::Text)
        }
        match col {
            Col::Item => Cell::Int(self.item.into()),
            Col::Status => Cell::Text(self.status.as_str()),
            Col::Label => int(self.label),
            Col::LabelName => text(&self.label_name),
            Col::Tier => int(self.tier),
            Col::Votes => Cell::Int(self.votes.into()),
            Col::Commits => Cell::Int(self.commits.into()),
            Col::Agreement => self.agreement.map_or(Cell::Null, Cell::Float),
            Col::Seq => int(self.seq),
            Col::Uri => Cell::Text(&self.uri),
            Col::Sha256 => Cell::Text(&self.sha256),
            Col::MediaType => text(&self.media_type),
            Col::Metadata => text(&self.metadata),
        }
    }

    /// Builds a row from one cell per column in [`Col::ALL`] order, checking each
    /// cell's type and range (a reader's input is untrusted).
    pub fn from_cells(cells: &[Cell<'_>]) -> Result<Row, RowProblem> {
        if cells.len() != Col::ALL.len() {
            return Err(RowProblem::ColumnCount {
                expected: Col::ALL.len(),
                found: cells.len(),
            });
        }
        let get = |col: Col| &cells[col as usize];
        let status = get(Col::Status).text(Col::Status)?;
        let row = Row {
            item: get(Col::Item).int(Col::Item)?,
            status: Status::parse(status).ok_or_else(|| RowProblem::Status(status.into()))?,
            label: get(Col::Label).opt_int(Col::Label)?,
            label_name: get(Col::LabelName).opt_text(Col::LabelName)?,
            tier: get(Col::Tier).opt_int(Col::Tier)?,
            votes: get(Col::Votes).int(Col::Votes)?,
            commits: get(Col::Commits).int(Col::Commits)?,
            agreement: get(Col::Agreement).opt_float(Col::Agreement)?,
            seq: get(Col::Seq).opt_int(Col::Seq)?,
            uri: get(Col::Uri).text(Col::Uri)?.to_string(),
            sha256: get(Col::Sha256).text(Col::Sha256)?.to_string(),
            media_type: get(Col::MediaType).opt_text(Col::MediaType)?,
            metadata: get(Col::Metadata).opt_text(Col::Metadata)?,
        };
        row.check(None)?;
        Ok(row)
    }

    /// The rules every written row keeps, so every format can hold it and read it back
    /// the same: a CSV cell cannot tell `Some("")` from `None`, hence no empty strings.
    /// With `classes`, the label must name one of them and `label_name` must be its name.
    pub fn check(&self, classes: Option<&[String]>) -> Result<(), RowProblem> {
        if self.sha256.len() != 64
            || !self
                .sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(RowProblem::Sha256(self.sha256.clone()));
        }
        if self.uri.is_empty() {
            return Err(RowProblem::Empty(Col::Uri));
        }
        for (col, v) in [
            (Col::LabelName, &self.label_name),
            (Col::MediaType, &self.media_type),
            (Col::Metadata, &self.metadata),
        ] {
            if v.as_deref() == Some("") {
                return Err(RowProblem::Empty(col));
            }
        }
        if let Some(tier) = self.tier {
            if !(1..=3).contains(&tier) {
                return Err(RowProblem::Tier(tier));
            }
        }
        if let Some(a) = self.agreement {
            if !(0.0..=1.0).contains(&a) {
                return Err(RowProblem::Agreement(a));
            }
        }
        if self.label.is_some() != self.label_name.is_some() {
            return Err(RowProblem::LabelNameWithoutLabel);
        }
        match (classes, self.label, &self.label_name) {
            (Some(classes), Some(label), Some(name)) => match classes.get(usize::from(label)) {
                None => Err(RowProblem::LabelOutOfRange {
                    label,
                    classes: classes.len(),
                }),
                Some(expected) if expected != name => Err(RowProblem::LabelName {
                    label,
                    expected: expected.clone(),
                    found: name.clone(),
                }),
                Some(_) => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

//! Discovery: the third parties a landscape is missing, from evidence in
//! code and infrastructure.
//!
//! - [`catalog`]: the vendor catalog (`data/vendors.yaml`) and its extension
//!   from Supplier annotations;
//! - [`sources`], [`lockfiles`], [`image`]: one real parser per evidence
//!   format, pure;
//! - [`scan`]: walks a tree (ignore-aware, no symlinks out of the root),
//!   reads and parses files in parallel;
//! - [`report`]: evidence grouped per vendor with a confidence, and the
//!   drift against a landscape;
//! - [`init`]: a first landscape proposed from a Backstage catalog and the
//!   code beside it.

pub mod catalog;
pub mod evidence;
pub mod image;
pub mod init;
pub mod lockfiles;
pub mod manifests;
pub mod report;
pub mod sbom;
pub mod scan;
pub mod sources;
pub mod terraform;

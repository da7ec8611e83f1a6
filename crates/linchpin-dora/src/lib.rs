//! The EU DORA Register of Information (ITS 2024/2956) as an xBRL-CSV report
//! package: the EBA DORA 4.0 table definitions ([`tables`], derived from the
//! taxonomy into `data/tables.json`), reading a package ([`package`]) and
//! the offline checks supervisors run ([`validate`]).

pub mod export;
pub mod gaps;
pub mod package;
pub mod tables;
pub mod validate;

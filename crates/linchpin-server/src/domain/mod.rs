//! The server's domain: its state, the continuity workflow's rules, the
//! analysed landscape version, and what a reviewed statement changes. No
//! HTTP and no markup here.

pub mod error;
pub mod evidence;
pub mod git;
pub mod notify;
pub mod patch;
pub mod requests;
pub mod snapshot;
pub mod state;
pub mod whatif;

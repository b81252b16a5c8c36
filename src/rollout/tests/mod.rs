//! Unit tests of the rollout.

//! The organization's snapshots: the images sandboxes start from.

use crate::api::snapshots as operations;
use crate::api::types::{CreateSnapshot, SnapshotDto, SnapshotState};
use crate::runtime::{Call, Error, Pages};
use crate::workflows::{poll, Polled, WaitOptions};
use crate::Client;

/// The organization's snapshots, as the official SDKs' `SnapshotService`.
#[derive(Debug, Clone, Copy)]
pub struct Snapshots<'a> {
    client: &'a Client,
}

impl<'a> Snapshots<'a> {
    pub(super) fn new(client: &'a Client) -> Self {
        Snapshots { client }
    }

    /// Every snapshot `params` select, page after page, as a stream (see [`Pages`]).
    pub fn list(&self, params: &operations::GetAllSnapshotsParams) -> Pages<SnapshotDto> {
        operations::get_all_snapshots_pages(self.client, params)
    }

    /// The snapshot with this id or name.
    pub fn get(&self, id_or_name: &str) -> Call<SnapshotDto> {
        operations::get_snapshot(self.client, id_or_name, &Default::default())
    }

    /// Creates a snapshot (from an image, or a build) and waits, with `wait`, until it is
    /// `active`; one that enters `error` or `build_failed` is an [`Error::UnexpectedState`]
    /// with the API's reason. Building an image can take minutes: give `wait` a deadline to
    /// match.
    pub async fn create(
        &self,
        snapshot: &CreateSnapshot,
        wait: &WaitOptions,
    ) -> Result<SnapshotDto, Error> {
        let created =
            operations::create_snapshot(self.client, snapshot, &Default::default()).await?;
        let what = format!("snapshot {} to be active", snapshot.name);
        poll(
            what,
            wait,
            &mut || self.get(&created.id),
            &mut |found| match found.state {
                SnapshotState::Active => Polled::Done(found),
                SnapshotState::Error | SnapshotState::BuildFailed => {
                    Polled::Failed(Error::UnexpectedState {
                        subject: format!("snapshot {}", found.name),
                        state: found.state.to_string(),
                        reason: found.error_reason,
                    })
                }
                state => Polled::Pending(state.to_string()),
            },
        )
        .await
    }

    /// Makes an inactive snapshot usable again.
    pub fn activate(&self, id: &str) -> Call<SnapshotDto> {
        operations::activate_snapshot(self.client, id, &Default::default())
    }

    /// Deletes the snapshot with this id.
    pub fn delete(&self, id: &str) -> Call<()> {
        operations::remove_snapshot(self.client, id, &Default::default())
    }
}

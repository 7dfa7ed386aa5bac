//! The organization's volumes: storage that sandboxes mount.

use crate::api::types::{CreateVolume, VolumeDto, VolumeState};
use crate::api::volumes as operations;
use crate::runtime::{Call, Error};
use crate::workflows::{poll, Polled, WaitOptions};
use crate::Client;

/// The organization's volumes, as the official SDKs' `VolumeService`.
#[derive(Debug, Clone, Copy)]
pub struct Volumes<'a> {
    client: &'a Client,
}

impl<'a> Volumes<'a> {
    pub(super) fn new(client: &'a Client) -> Self {
        Volumes { client }
    }

    /// Every volume (deleted ones only when `include_deleted`).
    pub fn list(&self, include_deleted: bool) -> Call<Vec<VolumeDto>> {
        let params = operations::ListVolumesParams {
            include_deleted: Some(include_deleted),
            ..Default::default()
        };
        operations::list_volumes(self.client, &params)
    }

    /// The volume with this id.
    pub fn get(&self, id: &str) -> Call<VolumeDto> {
        operations::get_volume(self.client, id, &Default::default())
    }

    /// The volume with this name.
    pub fn get_by_name(&self, name: &str) -> Call<VolumeDto> {
        operations::get_volume_by_name(self.client, name, &Default::default())
    }

    /// Creates a volume and waits, with `wait`, until it is `ready` to mount; a volume that
    /// enters `error` is an [`Error::UnexpectedState`] with the API's reason.
    pub async fn create(&self, name: &str, wait: &WaitOptions) -> Result<VolumeDto, Error> {
        let body = CreateVolume {
            name: name.to_string(),
        };
        operations::create_volume(self.client, &body, &Default::default()).await?;
        let what = format!("volume {name} to be ready");
        poll(
            what,
            wait,
            &mut || self.get_by_name(name),
            &mut |volume| match volume.state {
                VolumeState::Ready => Polled::Done(volume),
                VolumeState::Error => Polled::Failed(Error::UnexpectedState {
                    subject: format!("volume {}", volume.name),
                    state: volume.state.to_string(),
                    reason: volume.error_reason,
                }),
                state => Polled::Pending(state.to_string()),
            },
        )
        .await
    }

    /// Deletes the volume with this id.
    pub fn delete(&self, id: &str) -> Call<()> {
        operations::delete_volume(self.client, id, &Default::default())
    }
}

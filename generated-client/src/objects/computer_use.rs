//! The desktop of a sandbox: screenshots, mouse and keyboard.

use crate::runtime::Call;
use crate::toolbox::computer_use as operations;
use crate::toolbox::types;
use crate::Client;

/// A sandbox's desktop, as the official SDKs' `ComputerUse`: start it, take screenshots, move
/// and click the mouse, type. Screenshots are base64 PNG in the answer's `screenshot`.
/// Recordings and the accessibility tree are the generated `toolbox::computer_use` functions,
/// with [`Sandbox::toolbox`](super::Sandbox::toolbox) as the client.
#[derive(Debug, Clone)]
pub struct ComputerUse {
    toolbox: Client,
}

impl ComputerUse {
    pub(super) fn new(toolbox: Client) -> Self {
        ComputerUse { toolbox }
    }

    /// Starts the desktop's processes (display, window manager, VNC).
    pub fn start(&self) -> Call<types::ComputerUseStartResponse> {
        operations::start_computer_use(&self.toolbox)
    }

    /// Stops the desktop's processes.
    pub fn stop(&self) -> Call<types::ComputerUseStopResponse> {
        operations::stop_computer_use(&self.toolbox)
    }

    /// Whether the desktop runs.
    pub fn status(&self) -> Call<types::ComputerUseStatusResponse> {
        operations::get_computer_use_status(&self.toolbox)
    }

    /// The status of one of the desktop's processes (`xvfb`, `xfce4`, `x11vnc`, `novnc`).
    pub fn process_status(&self, name: &str) -> Call<types::ProcessStatusResponse> {
        operations::get_process_status(&self.toolbox, name)
    }

    /// Restarts one of the desktop's processes.
    pub fn restart_process(&self, name: &str) -> Call<types::ProcessRestartResponse> {
        operations::restart_process(&self.toolbox, name)
    }

    /// The logs of one of the desktop's processes.
    pub fn process_logs(&self, name: &str) -> Call<types::ProcessLogsResponse> {
        operations::get_process_logs(&self.toolbox, name)
    }

    /// The errors of one of the desktop's processes.
    pub fn process_errors(&self, name: &str) -> Call<types::ProcessErrorsResponse> {
        operations::get_process_errors(&self.toolbox, name)
    }

    /// A screenshot of the whole screen.
    pub fn screenshot(&self) -> Call<types::ScreenshotResponse> {
        operations::take_screenshot(&self.toolbox, &Default::default())
    }

    /// A screenshot of a region.
    pub fn screenshot_region(
        &self,
        x: i64,
        y: i64,
        width: i64,
        height: i64,
    ) -> Call<types::ScreenshotResponse> {
        operations::take_region_screenshot(&self.toolbox, x, y, width, height, &Default::default())
    }

    /// The displays and their sizes.
    pub fn display_info(&self) -> Call<types::DisplayInfoResponse> {
        operations::get_display_info(&self.toolbox)
    }

    /// The open windows.
    pub fn windows(&self) -> Call<types::WindowsResponse> {
        operations::get_windows(&self.toolbox)
    }

    /// Where the mouse is.
    pub fn mouse_position(&self) -> Call<types::MousePositionResponse> {
        operations::get_mouse_position(&self.toolbox)
    }

    /// Moves the mouse to `(x, y)`.
    pub fn move_mouse(&self, x: i64, y: i64) -> Call<types::MousePositionResponse> {
        let body = types::MouseMoveRequest {
            x: Some(x),
            y: Some(y),
        };
        operations::move_mouse(&self.toolbox, &body)
    }

    /// Clicks at `(x, y)` with `button` (`left`, `right`, `middle`), twice when `double`.
    pub fn click(
        &self,
        x: i64,
        y: i64,
        button: &str,
        double: bool,
    ) -> Call<types::MouseClickResponse> {
        let body = types::MouseClickRequest {
            x: Some(x),
            y: Some(y),
            button: Some(button.to_string()),
            double: Some(double),
        };
        operations::click(&self.toolbox, &body)
    }

    /// Drags with the left button from `start` to `end`.
    pub fn drag(&self, start: (i64, i64), end: (i64, i64)) -> Call<types::MouseDragResponse> {
        let body = types::MouseDragRequest {
            start_x: Some(start.0),
            start_y: Some(start.1),
            end_x: Some(end.0),
            end_y: Some(end.1),
            button: Some("left".to_string()),
        };
        operations::drag(&self.toolbox, &body)
    }

    /// Scrolls at `(x, y)`: `direction` `up` or `down`, by `amount` steps.
    pub fn scroll(
        &self,
        x: i64,
        y: i64,
        direction: &str,
        amount: i64,
    ) -> Call<types::ScrollResponse> {
        let body = types::MouseScrollRequest {
            x: Some(x),
            y: Some(y),
            direction: Some(direction.to_string()),
            amount: Some(amount),
        };
        operations::scroll(&self.toolbox, &body)
    }

    /// Types `text`.
    pub fn type_text(&self, text: &str) -> Call<types::Empty> {
        let body = types::KeyboardTypeRequest {
            text: Some(text.to_string()),
            delay: None,
        };
        operations::type_text(&self.toolbox, &body)
    }

    /// Presses `key` with `modifiers` (`ctrl`, `alt`, `shift`, `cmd`).
    pub fn press_key(&self, key: &str, modifiers: &[&str]) -> Call<types::Empty> {
        let body = types::KeyboardPressRequest {
            key: Some(key.to_string()),
            modifiers: Some(modifiers.iter().map(|m| m.to_string()).collect()),
        };
        operations::press_key(&self.toolbox, &body)
    }

    /// Presses a combination such as `ctrl+c`.
    pub fn press_hotkey(&self, keys: &str) -> Call<types::Empty> {
        let body = types::KeyboardHotkeyRequest {
            keys: Some(keys.to_string()),
        };
        operations::press_hotkey(&self.toolbox, &body)
    }
}

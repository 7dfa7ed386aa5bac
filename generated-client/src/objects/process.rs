//! Commands in a sandbox: waited for or streamed, in sessions, and terminals.

use super::Sandbox;
use crate::runtime::{Call, Error};
use crate::toolbox::process as operations;
use crate::toolbox::types::{
    Command, CreateSessionRequest, Session, SessionExecuteRequest, SessionExecuteResponse,
};
use crate::workflows::{self, CommandOutput, ExecRequest, ExecStream};
use crate::Client;
use std::future::Future;

/// A sandbox's commands, as the official SDKs' `Process`: [`exec`](Process::exec) waits for a
/// command, [`exec_stream`](Process::exec_stream) streams its output, and sessions keep a
/// shell's state (directory, variables) between commands.
#[derive(Debug, Clone)]
pub struct Process<'a> {
    sandbox: &'a Sandbox,
    toolbox: Client,
}

impl<'a> Process<'a> {
    pub(super) fn new(sandbox: &'a Sandbox) -> Self {
        Process {
            sandbox,
            toolbox: sandbox.toolbox(),
        }
    }

    /// Runs a command and waits for it (see [`workflows::exec`]).
    pub fn exec<'r>(
        &'r self,
        request: &'r ExecRequest,
    ) -> impl Future<Output = Result<CommandOutput, Error>> + 'r {
        workflows::exec(self.sandbox.client(), self.sandbox.data(), request)
    }

    /// Runs a command and streams its output as it comes (see [`workflows::exec_stream`]).
    pub fn exec_stream<'r>(
        &'r self,
        request: &'r ExecRequest,
    ) -> impl Future<Output = Result<ExecStream, Error>> + 'r {
        workflows::exec_stream(self.sandbox.client(), self.sandbox.data(), request)
    }

    /// Runs the request's code with the interpreter of its language and waits for it: one
    /// request that lasts as long as the code runs.
    #[cfg(feature = "toolbox-process")]
    pub fn code_run(
        &self,
        request: &crate::toolbox::types::CodeRunRequest,
    ) -> Call<crate::toolbox::types::CodeRunResponse> {
        operations::code_run(&self.toolbox, request)
    }

    /// Opens a session: a shell that keeps its state between the commands sent to it.
    pub fn create_session(&self, session_id: &str) -> Call<()> {
        let body = CreateSessionRequest {
            session_id: session_id.to_string(),
        };
        operations::create_session(&self.toolbox, &body)
    }

    /// A session and the commands it has run.
    pub fn get_session(&self, session_id: &str) -> Call<Session> {
        operations::get_session(&self.toolbox, session_id)
    }

    /// Runs a command in a session: with `run_async`, the answer comes as soon as the command
    /// has started; otherwise when it has ended.
    pub fn execute_session_command(
        &self,
        session_id: &str,
        request: &SessionExecuteRequest,
    ) -> Call<SessionExecuteResponse> {
        operations::session_execute_command(&self.toolbox, session_id, request)
    }

    /// A command of a session, with its exit code once it has ended.
    pub fn get_session_command(&self, session_id: &str, command_id: &str) -> Call<Command> {
        operations::get_session_command(&self.toolbox, session_id, command_id)
    }

    /// The logs of a session's command so far, split into stdout and stderr.
    pub fn session_command_logs<'r>(
        &'r self,
        session_id: &'r str,
        command_id: &'r str,
    ) -> impl Future<Output = Result<CommandOutput, Error>> + 'r {
        workflows::command_logs(&self.toolbox, session_id, command_id)
    }

    /// Ends a session and every command still running in it.
    pub fn delete_session(&self, session_id: &str) -> Call<()> {
        operations::delete_session(&self.toolbox, session_id)
    }

    /// Opens a terminal (a PTY session) and connects to it (see
    /// [`workflows::open_terminal`]).
    #[cfg(feature = "toolbox-process-terminals")]
    pub fn open_terminal<'r>(
        &'r self,
        options: &'r workflows::TerminalOptions,
    ) -> impl Future<Output = Result<workflows::Terminal, Error>> + 'r {
        workflows::open_terminal(self.sandbox.client(), self.sandbox.data(), options)
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace SwarmPS.Engine.Ssh
{
    /// <summary>
    /// One SSH connection to a host: runs commands (with sudo when the user is not root), writes files
    /// through stdin (never on a command line, so no secret shows in ps), and reconnects when dropped.
    /// </summary>
    public sealed class HostSession : IRemoteShell, IDisposable
    {
        private static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromMinutes(5);

        private readonly SshClient client;
        private readonly SshTarget target;
        private readonly SemaphoreSlim reconnect = new SemaphoreSlim(1, 1);
        private SudoMode sudoMode = SudoMode.Unknown;
        private SudoMode dockerMode = SudoMode.Unknown;

        internal HostSession(SshTarget target, SshClient client, string address, string hostKeyFingerprint)
        {
            this.target = target;
            this.client = client;
            Address = address;
            HostKeyFingerprint = hostKeyFingerprint;
        }

        private enum SudoMode
        {
            Unknown,
            NotNeeded,
            Passwordless,
            WithPassword,
        }

        public string Name => target.HostName;

        public string Address { get; }

        public int Port => target.Port;

        public string UserName => target.UserName;

        public string HostKeyFingerprint { get; }

        public bool Connected => client.IsConnected;

        /// <summary>The target this session was opened with, so the same host can be reached again.</summary>
        public SshTarget Target => target;

        public SwarmHost ToSwarmHost() => new SwarmHost(Name, Address, Port, UserName, HostKeyFingerprint, Connected);

        /// <summary>Runs a command as the login user. <paramref name="input"/> goes to its stdin.</summary>
        public Task<RemoteCommandResult> RunAsync(string command, byte[]? input, CancellationToken cancellationToken) =>
            RunCoreAsync(command, input, retried: false, cancellationToken);

        private async Task<RemoteCommandResult> RunCoreAsync(string command, byte[]? input, bool retried, CancellationToken cancellationToken)
        {
            await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            using SshCommand ssh = client.CreateCommand(command);
            ssh.CommandTimeout = DefaultCommandTimeout;
            Task execution;
            try
            {
                execution = ssh.ExecuteAsync(cancellationToken);
            }
            catch (Exception dropped) when (!retried && (dropped is SshConnectionException || dropped is ObjectDisposedException))
            {
                // The channel never opened, so nothing ran: a connection that died unnoticed is opened again once.
                await ReconnectAsync(cancellationToken).ConfigureAwait(false);
                return await RunCoreAsync(command, input, retried: true, cancellationToken).ConfigureAwait(false);
            }
            try
            {
                // Closing stdin tells the command no input follows; a quick command may be done already.
                using Stream stdin = ssh.CreateInputStream();
                if (input != null && input.Length > 0)
                {
                    await stdin.WriteAsync(input, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (InvalidOperationException) when (execution.IsCompleted)
            {
            }

            try
            {
                await execution.ConfigureAwait(false);
            }
            catch (SshOperationTimeoutException timeout)
            {
                throw new SwarmException("RemoteCommandTimeout", SwarmErrorKind.OperationTimeout,
                    $"A command on {Name} did not finish within {DefaultCommandTimeout.TotalMinutes} minutes.", Name, timeout);
            }
            catch (SshConnectionException dropped)
            {
                throw new SwarmException("HostUnreachable", SwarmErrorKind.ConnectionError,
                    $"The SSH connection to {Name} dropped while a command ran: {dropped.Message}", Name, dropped);
            }

            return new RemoteCommandResult(ssh.ExitStatus ?? -1, ssh.Result, ssh.Error);
        }

        /// <summary>Runs a command as root: directly for root, else through sudo with no TTY.</summary>
        public async Task<RemoteCommandResult> SudoAsync(string command, byte[]? input, CancellationToken cancellationToken)
        {
            SudoMode mode = await GetSudoModeAsync(cancellationToken).ConfigureAwait(false);
            switch (mode)
            {
                case SudoMode.NotNeeded:
                    return await RunAsync(command, input, cancellationToken).ConfigureAwait(false);
                case SudoMode.Passwordless:
                    return await RunAsync("sudo -n -- sh -c " + ShellQuote.Quote(command), input, cancellationToken).ConfigureAwait(false);
                default:
                    // sudo -S reads the password as the first line of stdin; the rest is the command's input.
                    byte[] password = Encoding.UTF8.GetBytes(PlainSecret() + "\n");
                    byte[] combined = Combine(password, input);
                    Array.Clear(password);
                    try
                    {
                        return await RunAsync("sudo -S -p '' -- sh -c " + ShellQuote.Quote(command), combined, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        Array.Clear(combined);
                    }
            }
        }

        /// <summary>Runs as root and fails with <paramref name="errorId"/> when the command does.</summary>
        public async Task<string> SudoCheckedAsync(string command, string errorId, string whatFailed, CancellationToken cancellationToken, byte[]? input = null)
        {
            RemoteCommandResult result = await SudoAsync(command, input, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw new SwarmException(errorId, SwarmErrorKind.InvalidOperation,
                    $"{whatFailed} on {Name} failed (exit {result.ExitCode}): {result.Error.Trim()}", Name);
            }

            return result.Output;
        }

        /// <summary>
        /// Reads several root-owned files in one SSH round trip. Files in <paramref name="probeOnly"/> are only
        /// checked for existence, so a private key is never read off the host just to see that it is there.
        /// </summary>
        public async Task<RemoteFileSet> ReadFilesAsync(IReadOnlyList<string> read, IReadOnlyList<string> probeOnly, CancellationToken cancellationToken)
        {
            // One line per path, in order: base64 of the content, '-' when missing, '+' when a probed file exists.
            IEnumerable<string> reads = read.Select(p => $"if [ -e {ShellQuote.Quote(p)} ]; then base64 -w0 < {ShellQuote.Quote(p)}; echo; else echo -; fi;");
            IEnumerable<string> probes = probeOnly.Select(p => $"if [ -e {ShellQuote.Quote(p)} ]; then echo +; else echo -; fi;");
            RemoteCommandResult result = await SudoAsync("set -e; " + string.Join(" ", reads.Concat(probes)), null, cancellationToken).ConfigureAwait(false);
            string[] lines = result.Output.Split('\n');
            if (!result.Succeeded || lines.Length < read.Count + probeOnly.Count)
            {
                throw new SwarmException("RemoteReadFailed", SwarmErrorKind.InvalidOperation,
                    $"Could not read {string.Join(", ", read)} on {Name}: {result.Error.Trim()}", Name);
            }

            var contents = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (int i = 0; i < read.Count; i++)
            {
                string line = lines[i].Trim();
                contents[read[i]] = line == "-" ? null : Encoding.UTF8.GetString(Convert.FromBase64String(line));
            }

            var existing = new Dictionary<string, bool>(StringComparer.Ordinal);
            for (int i = 0; i < probeOnly.Count; i++)
            {
                existing[probeOnly[i]] = lines[read.Count + i].Trim() == "+";
            }

            foreach (KeyValuePair<string, string?> file in contents)
            {
                existing[file.Key] = file.Value != null;
            }

            return new RemoteFileSet(contents, existing);
        }

        /// <summary>
        /// Writes a root-owned file atomically (temporary file, then rename) with the given mode.
        /// The content travels on stdin, so private keys never appear on a command line.
        /// </summary>
        public async Task WriteFileAsync(string path, string content, string mode, CancellationToken cancellationToken)
        {
            string quoted = ShellQuote.Quote(path);
            string temporary = ShellQuote.Quote(path + ".swarmps-tmp");
            string directory = ShellQuote.Quote(Path.GetDirectoryName(path)!.Replace('\\', '/'));
            string command = $"umask 077 && mkdir -p {directory} && cat > {temporary} && chmod {mode} {temporary} && mv -f {temporary} {quoted}";
            await SudoCheckedAsync(command, "RemoteWriteFailed", $"Writing {path}", cancellationToken, Encoding.UTF8.GetBytes(content)).ConfigureAwait(false);
        }

        /// <summary>
        /// Starts `docker system dial-stdio` on the host and returns its stdin and stdout as one stream:
        /// the Engine API over SSH, with no TCP port open on the host.
        /// </summary>
        internal async Task<Stream> OpenDialStdioAsync(CancellationToken cancellationToken)
        {
            await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
            SudoMode mode = await GetDockerModeAsync(cancellationToken).ConfigureAwait(false);
            string command = mode switch
            {
                SudoMode.NotNeeded => "docker system dial-stdio",
                SudoMode.Passwordless => "sudo -n docker system dial-stdio",
                _ => "sudo -S -p '' docker system dial-stdio",
            };
            SshCommand ssh = client.CreateCommand(command);
            Task execution;
            try
            {
                execution = ssh.ExecuteAsync(CancellationToken.None);
            }
            catch (Exception dropped) when (dropped is SshConnectionException || dropped is ObjectDisposedException)
            {
                // As for commands: the channel never opened, so no request was sent. A session the server dropped
                // (after an earlier channel's close raced SSH.NET's) is opened again once.
                ssh.Dispose();
                await ReconnectAsync(cancellationToken).ConfigureAwait(false);
                ssh = client.CreateCommand(command);
                execution = ssh.ExecuteAsync(CancellationToken.None);
            }

            Stream input = ssh.CreateInputStream();
            if (mode == SudoMode.WithPassword)
            {
                // sudo -S reads the password as the first line; everything after it is the engine's.
                byte[] password = Encoding.UTF8.GetBytes(PlainSecret() + "\n");
                await input.WriteAsync(password, cancellationToken).ConfigureAwait(false);
                Array.Clear(password);
            }

            return new Docker.SshStdioStream(ssh, execution, input);
        }

        public void Dispose()
        {
            try
            {
                if (client.IsConnected)
                {
                    client.Disconnect();
                }
            }
            catch (Exception)
            {
                // Closing a dead connection may throw; the session is going away either way.
            }

            client.Dispose();
            reconnect.Dispose();
        }

        private async Task ReconnectAsync(CancellationToken cancellationToken)
        {
            try
            {
                client.Disconnect();
            }
            catch (Exception)
            {
                // Already dead; Connect below starts afresh.
            }

            await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        }

        private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
        {
            if (client.IsConnected)
            {
                return;
            }

            await reconnect.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!client.IsConnected)
                {
                    // The host-key check attached at first connect runs again and pins the same key.
                    await HostConnector.ConnectClientAsync(client, target, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                reconnect.Release();
            }
        }

        /// <summary>Whether the login user reaches the engine directly (root, or in the docker group) or needs sudo.</summary>
        private async Task<SudoMode> GetDockerModeAsync(CancellationToken cancellationToken)
        {
            // Asked once per session: every HTTP connection of the SSH transport would otherwise pay a round trip.
            if (dockerMode != SudoMode.Unknown)
            {
                return dockerMode;
            }

            RemoteCommandResult direct = await RunAsync("docker version --format '{{.Server.APIVersion}}'", null, cancellationToken).ConfigureAwait(false);
            return dockerMode = direct.Succeeded ? SudoMode.NotNeeded : await GetSudoModeAsync(cancellationToken).ConfigureAwait(false);
        }

        private async Task<SudoMode> GetSudoModeAsync(CancellationToken cancellationToken)
        {
            if (sudoMode != SudoMode.Unknown)
            {
                return sudoMode;
            }

            if (string.Equals(UserName, "root", StringComparison.Ordinal))
            {
                return sudoMode = SudoMode.NotNeeded;
            }

            RemoteCommandResult passwordless = await RunAsync("sudo -n true", null, cancellationToken).ConfigureAwait(false);
            if (passwordless.Succeeded)
            {
                return sudoMode = SudoMode.Passwordless;
            }

            if (target.Secret == null || target.KeyFile != null)
            {
                throw new SwarmException("SudoDenied", SwarmErrorKind.PermissionDenied,
                    $"User '{UserName}' on {Name} cannot run sudo without a password. Give the login password with -Credential, or allow passwordless sudo for this user.", Name);
            }

            byte[] probeInput = Encoding.UTF8.GetBytes(PlainSecret() + "\n");
            RemoteCommandResult withPassword = await RunAsync("sudo -S -p '' -- true", probeInput, cancellationToken).ConfigureAwait(false);
            Array.Clear(probeInput);
            if (!withPassword.Succeeded)
            {
                throw new SwarmException("SudoDenied", SwarmErrorKind.PermissionDenied,
                    $"User '{UserName}' on {Name} has no sudo rights with the given password. Use an account in the sudo group, or connect as root.", Name);
            }

            return sudoMode = SudoMode.WithPassword;
        }

        private string PlainSecret() => target.Secret == null ? string.Empty : new NetworkCredential(string.Empty, target.Secret).Password;

        private static byte[] Combine(byte[] first, byte[]? second)
        {
            if (second == null || second.Length == 0)
            {
                return (byte[])first.Clone();
            }

            var combined = new byte[first.Length + second.Length];
            Buffer.BlockCopy(first, 0, combined, 0, first.Length);
            Buffer.BlockCopy(second, 0, combined, first.Length, second.Length);
            return combined;
        }
    }
}

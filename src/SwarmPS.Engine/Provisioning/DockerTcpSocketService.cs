using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Ssh;
using SwarmPS.Engine.Tls;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>
    /// Exposes a host's Docker Engine API on TCP through a systemd socket unit (mutual TLS on 2376 by
    /// default), sets engine labels, and undoes it. Existing configuration is merged, every changed
    /// file is backed up first, and a change whose engine does not come back is rolled back.
    /// </summary>
    public sealed class DockerTcpSocketService
    {
        private static readonly TimeSpan EngineStartTimeout = TimeSpan.FromSeconds(60);
        private static readonly TimeSpan MinimumCertificateValidity = TimeSpan.FromDays(30);

        // How long a rollback after Ctrl+C may take: a restore and one engine restart.
        private static readonly TimeSpan StopRollbackTimeout = TimeSpan.FromSeconds(90);

        private readonly CertificateAuthority? authority;
        private readonly EngineOpener engines;

        /// <summary>Creates the service; the CA may be null for -Insecure, or to plan (-WhatIf) before a CA exists.</summary>
        public DockerTcpSocketService(CertificateAuthority? authority, EngineOpener engines)
        {
            this.authority = authority;
            this.engines = engines;
        }

        /// <summary>Checks the host and works out what must change. Changes nothing.</summary>
        public async Task<TcpSocketPlan> PlanAsync(IRemoteShell session, TcpSocketRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            string host = session.Name;
            reporter.Progress("Checking systemd, Docker and sudo", 10);
            reporter.Verbose("Checking that the host has systemd and Docker, and that sudo works.");
            HostFacts facts = await HostFacts.GatherAsync(session, cancellationToken).ConfigureAwait(false);
            if (!facts.HasSystemd)
            {
                throw new SwarmException("SystemdNotFound", SwarmErrorKind.NotInstalled,
                    $"{host} does not run systemd, which SwarmPS needs to expose the Engine API through a socket unit. Use a host booted with systemd.", host);
            }

            if (!facts.HasDocker)
            {
                throw new SwarmException("DockerNotInstalled", SwarmErrorKind.NotInstalled,
                    $"{host} has no Docker engine (dockerd not found). Install Docker (for example the docker.io package) and run again.", host);
            }

            if (!facts.DockerUsesSystemdSockets)
            {
                throw new SwarmException("DockerServiceNotSocketActivated", SwarmErrorKind.InvalidOperation,
                    $"docker.service on {host} does not start dockerd with -H fd://, so it would ignore a systemd socket unit. Restore the packaged docker.service (or its drop-ins) and run again.", host);
            }

            // Every file the plan compares, in one round trip; the server key is only looked for, never read.
            reporter.Verbose($"Reading {RemotePaths.DaemonJson}, {RemotePaths.SocketUnit} and the TLS files in {RemotePaths.TlsDirectory}.");
            RemoteFileSet files = await session.ReadFilesAsync(
                new[] { RemotePaths.DaemonJson, RemotePaths.SocketUnit, RemotePaths.CaCertificate, RemotePaths.ServerCertificate },
                new[] { RemotePaths.ServerKey },
                cancellationToken).ConfigureAwait(false);
            string? currentJson = files.Content(RemotePaths.DaemonJson);
            DaemonConfig config = DaemonConfig.Parse(currentJson, RemotePaths.DaemonJson);
            if (config.HasHostsEntry)
            {
                throw new SwarmException("DaemonJsonHostsConflict", SwarmErrorKind.InvalidData,
                    $"{RemotePaths.DaemonJson} on {host} sets \"hosts\": [{string.Join(", ", config.HostsEntry.Select(h => "\"" + h + "\""))}], which clashes with the -H fd:// that systemd's docker.service passes: dockerd would refuse to start. Remove the \"hosts\" entry (SwarmPS listens through the docker-tcp.socket unit instead) and run again. Nothing was changed.", host);
            }

            var plan = new TcpSocketPlan(session, request, facts);

            TlsFiles? tlsFiles = request.Insecure ? null : new TlsFiles(RemotePaths.CaCertificate, RemotePaths.ServerCertificate, RemotePaths.ServerKey);
            plan.DesiredDaemonJson = config.Render(request.Labels, tlsFiles, removeTls: request.Insecure);
            plan.DaemonJsonChanges = !DaemonConfig.SemanticallyEqual(currentJson, plan.DesiredDaemonJson);
            var expected = new SortedDictionary<string, string>(config.Labels.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> label in request.Labels)
            {
                expected[label.Key] = label.Value;
            }

            plan.ExpectedLabels = expected;
            if (plan.DaemonJsonChanges)
            {
                string labelText = request.Labels.Count == 0 ? string.Empty : " with labels " + string.Join(", ", request.Labels.Select(l => $"{l.Key}={l.Value}"));
                plan.AddChange($"write {RemotePaths.DaemonJson}{labelText}{(request.Insecure ? string.Empty : " and TLS verification")}");
            }

            string? currentUnit = files.Content(RemotePaths.SocketUnit);
            plan.DesiredUnit = SystemdUnits.DockerTcpSocket(request.Port);
            plan.UnitChanges = !string.Equals(currentUnit, plan.DesiredUnit, StringComparison.Ordinal);
            if (plan.UnitChanges)
            {
                plan.AddChange($"install {RemotePaths.SocketUnit} listening on TCP {request.Port}");
            }

            if (!request.Insecure)
            {
                if (authority == null)
                {
                    // Only for -WhatIf before any CA exists: say what would be made, make nothing.
                    plan.AddChange($"create the SwarmPS CA and install its certificate in {RemotePaths.CaCertificate}");
                    plan.AddChange($"install a server certificate for {session.Name} in {RemotePaths.ServerCertificate}");
                }
                else
                {
                    PlanCertificates(authority, plan, files, reporter);
                }
            }

            if (!facts.SocketEnabled || !facts.SocketActive)
            {
                plan.AddChange("enable and start docker-tcp.socket");
            }

            bool labelsLive = expected.Count == facts.LiveLabels.Count && expected.All(l => facts.LiveLabels.TryGetValue(l.Key, out string? v) && v == l.Value);
            if (plan.Changes.Count > 0 || !labelsLive || !facts.DockerActive)
            {
                plan.AddChange(facts.RunningContainers > 0
                    ? $"restart the Docker engine (stops {facts.RunningContainers} running container(s))"
                    : "restart the Docker engine");
            }

            return plan;
        }

        /// <summary>Applies a plan: back up, write, restart, verify over the new endpoint; roll back on failure.</summary>
        public async Task<DockerConnection> ApplyAsync(TcpSocketPlan plan, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IRemoteShell session = plan.Session;
            string host = session.Name;
            if (plan.Facts.RunningContainers > 0 && !plan.Request.Force)
            {
                throw new SwarmException("ContainersRunning", SwarmErrorKind.ResourceUnavailable,
                    $"{plan.Facts.RunningContainers} container(s) are running on {host}, and restarting the Docker engine would stop them. Stop them first, or run again with -Force. Nothing was changed.", host);
            }

            reporter.Progress("Backing up configuration", 30);
            string backup;
            try
            {
                backup = await RemoteFiles.BackupAsync(session, reporter, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception stopped) when (IsStop(stopped, cancellationToken))
            {
                throw new SwarmException("OperationStopped", SwarmErrorKind.OperationStopped,
                    $"Stopped on {host} before anything was changed.", host, stopped);
            }

            bool restarting = false;
            try
            {
                return await ApplyFromBackupAsync(plan, backup, () => restarting = true, reporter, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception stopped) when (IsStop(stopped, cancellationToken))
            {
                // Ctrl+C mid-change: the cancelled token must not cut the rollback short, so it gets its own, bounded one.
                string outcome;
                try
                {
                    using var rollback = new CancellationTokenSource(StopRollbackTimeout);
                    await RemoteFiles.RestoreAsync(session, backup, NullReporter.Instance, rollback.Token, restartEngine: restarting).ConfigureAwait(false);
                    outcome = restarting
                        ? $"The previous configuration was restored from {backup} and the engine restarted with it."
                        : $"The files already written were restored from {backup}; the engine was not restarted.";
                }
                catch (Exception rollbackFailure) when (rollbackFailure is SwarmException || rollbackFailure is OperationCanceledException)
                {
                    outcome = $"Rolling back did not finish within {StopRollbackTimeout.TotalSeconds} seconds ({rollbackFailure.Message}): restore by hand from {backup} (copy its files back, then systemctl daemon-reload and restart docker), or run Enable-DockerTcpSocket again.";
                }

                throw new SwarmException("OperationStopped", SwarmErrorKind.OperationStopped, $"Stopped on {host} in the middle of the change. {outcome}", host, stopped);
            }
        }

        // After Ctrl+C a remote command cut short may surface as a cancellation or as the module's own failure (its
        // session answering "cancelled"): either way it is the stop, not a fault of the host.
        private static bool IsStop(Exception failure, CancellationToken cancellationToken) =>
            cancellationToken.IsCancellationRequested && (failure is OperationCanceledException || (failure is SwarmException swarm && swarm.Kind != SwarmErrorKind.OperationStopped));

        private async Task<DockerConnection> ApplyFromBackupAsync(TcpSocketPlan plan, string backup, Action restarting, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IRemoteShell session = plan.Session;
            string host = session.Name;
            reporter.Progress("Writing configuration", 45);
            try
            {
                await WriteFilesAsync(plan, reporter, cancellationToken).ConfigureAwait(false);
            }
            catch (SwarmException writeFailure)
            {
                // Nothing half-applied: put back what was written; the engine still runs its old configuration.
                await RemoteFiles.RestoreAsync(session, backup, reporter, cancellationToken, restartEngine: false).ConfigureAwait(false);
                throw new SwarmException("ConfigurationWriteFailed", SwarmErrorKind.InvalidOperation,
                    $"{writeFailure.Message} The files already written were restored from {backup}; the engine was not restarted.", host, writeFailure);
            }

            reporter.Progress("Restarting the Docker engine", 60);
            reporter.Verbose("Reloading systemd, enabling docker-tcp.socket and restarting the Docker engine.");
            restarting();
            RemoteCommandResult restart = await session.SudoAsync(RemoteFiles.RestartEngineScript, null, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            reporter.Progress("Waiting for the Engine API", 80);
            DockerConnection? connection = null;
            string? failure = restart.Succeeded ? null : restart.Error.Trim();
            if (failure == null)
            {
                (connection, failure) = await WaitForEngineAsync(plan, reporter, cancellationToken).ConfigureAwait(false);
            }

            if (connection != null)
            {
                return connection;
            }

            reporter.Warning($"The Docker engine did not come back as expected ({failure}); restoring the backup from {backup}.");
            string journal = await RemoteFiles.JournalTailAsync(session, cancellationToken).ConfigureAwait(false);
            await RemoteFiles.RestoreAsync(session, backup, reporter, cancellationToken).ConfigureAwait(false);
            throw new SwarmException("EngineRestartFailed", SwarmErrorKind.InvalidOperation,
                $"The Docker engine on {host} did not answer on tcp://{session.Address}:{plan.Request.Port} with the expected labels within {EngineStartTimeout.TotalSeconds} seconds ({failure}). The previous configuration was restored and the engine restarted. Last lines of the engine's journal:{Environment.NewLine}{journal}", host);
        }

        /// <summary>
        /// Puts back every file as it was before SwarmPS first changed the host and restarts the engine.
        /// Returns false when SwarmPS never changed the host (nothing to undo).
        /// </summary>
        public static async Task<bool> DisableAsync(IRemoteShell session, bool force, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            string host = session.Name;
            if (!await WasChangedAsync(session, reporter, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            HostFacts facts = await HostFacts.GatherAsync(session, cancellationToken).ConfigureAwait(false);
            if (facts.RunningContainers > 0 && !force)
            {
                throw new SwarmException("ContainersRunning", SwarmErrorKind.ResourceUnavailable,
                    $"{facts.RunningContainers} container(s) are running on {host}, and restarting the Docker engine would stop them. Stop them first, or run again with -Force. Nothing was changed.", host);
            }

            string originalCopy = $"{RemotePaths.OriginalBackup}/{RemoteFiles.BackupName(RemotePaths.DaemonJson)}";
            RemoteFileSet files = await session.ReadFilesAsync(
                new[] { originalCopy, RemotePaths.WrittenDaemonJson, RemotePaths.DaemonJson }, Array.Empty<string>(), cancellationToken).ConfigureAwait(false);
            DaemonJsonRevision revision = DaemonJsonRevert.Revise(files.Content(originalCopy), files.Content(RemotePaths.WrittenDaemonJson), files.Content(RemotePaths.DaemonJson));
            if (revision.Conflicts.Count > 0)
            {
                string diff = string.Join(Environment.NewLine, revision.Conflicts.Select(c => "  " + c));
                if (!force)
                {
                    throw new SwarmException("DaemonJsonEditedSinceEnable", SwarmErrorKind.InvalidOperation,
                        $"{RemotePaths.DaemonJson} on {host} was edited since Enable-DockerTcpSocket in SwarmPS's own TLS settings, so they cannot be told apart:{Environment.NewLine}{diff}{Environment.NewLine}Run again with -Force to put those settings back as they were before SwarmPS (other edits are kept). Nothing was changed.", host);
                }

                reporter.Warning($"{RemotePaths.DaemonJson} on {host}: SwarmPS's TLS settings were edited since Enable-DockerTcpSocket; with -Force they go back as they were before SwarmPS:{Environment.NewLine}{diff}");
            }

            foreach (string edit in revision.KeptEdits)
            {
                reporter.Verbose($"Keeping a later edit of {RemotePaths.DaemonJson}: {edit}.");
            }

            // 1. The TCP listener goes first: whatever interrupts what follows, no unit is left that could serve 2376
            //    from a daemon.json whose TLS settings are already gone.
            reporter.Progress("Removing the TCP socket", 30);
            await session.SudoCheckedAsync(RemoteFiles.RemoveSocketScript, "RestoreFailed", "Removing the docker-tcp.socket unit", cancellationToken).ConfigureAwait(false);

            // 2. daemon.json without SwarmPS's settings; later edits kept.
            reporter.Progress("Restoring daemon.json", 50);
            if (revision.RestoresOriginal)
            {
                reporter.Verbose($"{RemotePaths.DaemonJson} is as SwarmPS wrote it: putting back the original.");
                await session.SudoCheckedAsync(RemoteFiles.RestoreOneScript(RemotePaths.OriginalBackup, RemotePaths.DaemonJson), "RestoreFailed", $"Restoring {RemotePaths.DaemonJson}", cancellationToken).ConfigureAwait(false);
            }
            else if (revision.Json == null)
            {
                await session.SudoCheckedAsync("rm -f " + RemotePaths.DaemonJson, "RestoreFailed", $"Removing {RemotePaths.DaemonJson}", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await session.WriteFileAsync(RemotePaths.DaemonJson, revision.Json, "0644", cancellationToken).ConfigureAwait(false);
            }

            // 3. The TLS files back as they were, and the engine restarted without the socket.
            reporter.Progress("Restarting the Docker engine", 70);
            await RemoteFiles.RestoreAsync(session, RemotePaths.OriginalBackup, reporter, cancellationToken, restartEngine: true,
                only: new[] { RemotePaths.CaCertificate, RemotePaths.ServerCertificate, RemotePaths.ServerKey }).ConfigureAwait(false);
            reporter.Progress("Waiting for the engine", 80);
            await session.SudoCheckedAsync(
                $"for i in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done; docker info >/dev/null && rm -rf {RemotePaths.OriginalBackup} {RemotePaths.ChangeBackups} {RemotePaths.WrittenDaemonJson} && (rmdir /var/lib/swarmps 2>/dev/null || true)",
                "EngineRestartFailed", "Restarting the Docker engine with its original configuration", cancellationToken).ConfigureAwait(false);
            reporter.Verbose(revision.KeptEdits.Count == 0
                ? "The original configuration is back and the engine answers on its local socket."
                : $"SwarmPS's settings are gone, {revision.KeptEdits.Count} later edit(s) of {RemotePaths.DaemonJson} kept, and the engine answers on its local socket.");
            return true;
        }

        /// <summary>True when SwarmPS changed the host and kept its original configuration to restore.</summary>
        public static async Task<bool> WasChangedAsync(IRemoteShell session, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            reporter.Progress("Looking for the original configuration", 10);
            bool changed = await RemoteFiles.ExistsAsync(session, RemotePaths.OriginalBackup, cancellationToken).ConfigureAwait(false);
            if (!changed)
            {
                reporter.Verbose($"SwarmPS has not changed {session.Name} (no {RemotePaths.OriginalBackup}): nothing to undo.");
            }

            return changed;
        }

        /// <summary>The client of a host whose engine is already as asked (this session's, or a new one).</summary>
        public Task<DockerConnection> ConnectAsync(IRemoteShell session, TcpSocketRequest request, IOperationReporter reporter, CancellationToken cancellationToken) =>
            engines.OpenAsync(EndpointOf(session, request), reporter, cancellationToken);

        private static EngineEndpoint EndpointOf(IRemoteShell session, TcpSocketRequest request) =>
            EngineEndpoint.Tcp(session.Name, session.Address, request.Port, tls: !request.Insecure);

        private async Task WriteFilesAsync(TcpSocketPlan plan, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IRemoteShell session = plan.Session;
            if (plan.CaChanges)
            {
                reporter.Verbose($"Writing the SwarmPS CA certificate to {RemotePaths.CaCertificate}.");
                await session.WriteFileAsync(RemotePaths.CaCertificate, authority!.CertificatePem, "0644", cancellationToken).ConfigureAwait(false);
            }

            if (plan.NewServerCertificate != null)
            {
                reporter.Verbose($"Writing the server certificate and its key to {RemotePaths.TlsDirectory} (key readable by root only).");
                await session.WriteFileAsync(RemotePaths.ServerCertificate, plan.NewServerCertificate.CertificatePem, "0644", cancellationToken).ConfigureAwait(false);
                await session.WriteFileAsync(RemotePaths.ServerKey, plan.NewServerCertificate.PrivateKeyPem, "0600", cancellationToken).ConfigureAwait(false);
            }

            if (plan.DaemonJsonChanges)
            {
                reporter.Verbose($"Writing {RemotePaths.DaemonJson}, existing settings kept.");
                await session.WriteFileAsync(RemotePaths.DaemonJson, plan.DesiredDaemonJson, "0644", cancellationToken).ConfigureAwait(false);
            }

            // What SwarmPS's daemon.json says, kept aside: Disable-DockerTcpSocket takes out only this, keeping later edits.
            await session.WriteFileAsync(RemotePaths.WrittenDaemonJson, plan.DesiredDaemonJson, "0600", cancellationToken).ConfigureAwait(false);

            if (plan.UnitChanges)
            {
                reporter.Verbose($"Writing {RemotePaths.SocketUnit}.");
                await session.WriteFileAsync(RemotePaths.SocketUnit, plan.DesiredUnit, "0644", cancellationToken).ConfigureAwait(false);
            }
        }

        private static void PlanCertificates(CertificateAuthority authority, TcpSocketPlan plan, RemoteFileSet files, IOperationReporter reporter)
        {
            IRemoteShell session = plan.Session;
            string? hostCa = files.Content(RemotePaths.CaCertificate);
            plan.CaChanges = !string.Equals(hostCa?.Trim(), authority.CertificatePem.Trim(), StringComparison.Ordinal);
            if (plan.CaChanges)
            {
                plan.AddChange($"install the SwarmPS CA certificate in {RemotePaths.CaCertificate}");
            }

            (IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses) = ServerCertificateNames.For(session.Name, session.Address, plan.Request.SubjectAlternativeNames);
            string? current = files.Content(RemotePaths.ServerCertificate);
            bool keyExists = files.Exists(RemotePaths.ServerKey);
            bool reusable = current != null && keyExists && authority.IsServerCertificateFromThis(current)
                && CertificateAuthority.Covers(current, dnsNames, addresses, MinimumCertificateValidity)
                && ServerCertificateNames.NamesExactly(current!, dnsNames, addresses);
            if (reusable)
            {
                reporter.Verbose("The host's server certificate is from this CA and names exactly the host's names: kept.");
                return;
            }

            reporter.Verbose($"Issuing a server certificate for {string.Join(", ", dnsNames.Concat(addresses.Select(a => a.ToString())))}.");
            plan.NewServerCertificate = authority.IssueServerCertificate(session.Name, dnsNames, addresses);
            plan.AddChange($"install a server certificate for {session.Name} in {RemotePaths.ServerCertificate}");
        }

        private async Task<(DockerConnection? Connection, string? Failure)> WaitForEngineAsync(TcpSocketPlan plan, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IRemoteShell session = plan.Session;
            DateTime deadline = DateTime.UtcNow + EngineStartTimeout;
            string failure = "no answer";
            while (DateTime.UtcNow < deadline)
            {
                cancellationToken.ThrowIfCancellationRequested();
                DockerConnection? connection = null;
                try
                {
                    // A new client each time: the engine is restarting, and a cached one would hide that.
                    connection = await engines.OpenNewAsync(EndpointOf(session, plan.Request), NullReporter.Instance, cancellationToken).ConfigureAwait(false);
                    IReadOnlyDictionary<string, string> labels = await connection.GetLabelsAsync(cancellationToken).ConfigureAwait(false);
                    bool expected = plan.ExpectedLabels.All(l => labels.TryGetValue(l.Key, out string? v) && v == l.Value);
                    if (expected)
                    {
                        reporter.Verbose($"The Engine API answers on {connection.Uri}{(plan.Request.Insecure ? string.Empty : " with mutual TLS")} and reports the expected labels.");

                        // The host's exposure changed: its clients on other endpoints no longer answer.
                        engines.Sessions.AddEngine(connection, onlyOneForHost: true);
                        return (connection, null);
                    }

                    failure = "the engine reports labels " + string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}"));
                }
                catch (SwarmException notYet)
                {
                    failure = notYet.Message;
                }

                connection?.Dispose();
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }

            return (null, failure);
        }
    }
}

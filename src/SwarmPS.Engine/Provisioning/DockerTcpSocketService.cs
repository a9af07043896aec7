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
        // How long the new endpoint may take to answer once the engine answers on the host.
        private static readonly TimeSpan TcpCheckTimeout = TimeSpan.FromSeconds(10);
        private static readonly TimeSpan MinimumCertificateValidity = TimeSpan.FromDays(30);

        private readonly CertificateAuthority? authority;
        private readonly EngineOpener engines;

        /// <summary>Creates the service; the CA may be null for -Insecure, or to plan (-WhatIf) before a CA exists.</summary>
        public DockerTcpSocketService(CertificateAuthority? authority, EngineOpener engines)
        {
            this.authority = authority;
            this.engines = engines;
        }

        /// <summary>Checks the host and works out what must change, in one round trip. Changes nothing.</summary>
        public async Task<TcpSocketPlan> PlanAsync(IRemoteShell session, TcpSocketRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            string host = session.Name;
            reporter.Progress("Checking the host", 10);

            // Facts and every file the plan compares, in one round trip; the server key is only looked for, never read.
            reporter.Verbose($"Checking systemd, Docker and sudo, and reading {RemotePaths.DaemonJson}, {RemotePaths.SocketUnit} and the TLS files in {RemotePaths.TlsDirectory}.");
            HostFacts facts = await HostFacts.GatherAsync(
                session,
                new[] { RemotePaths.DaemonJson, RemotePaths.SocketUnit, RemotePaths.CaCertificate, RemotePaths.ServerCertificate },
                new[] { RemotePaths.ServerKey },
                cancellationToken).ConfigureAwait(false);
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

            RemoteFileSet files = facts.Files;
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
                    plan.CaChanges = true;
                }
                else
                {
                    PlanCertificates(authority, plan, files, reporter);
                }
            }

            bool socketLive = facts.SocketEnabled && facts.SocketActive;
            if (!socketLive)
            {
                plan.AddChange("enable and start docker-tcp.socket");
            }

            // dockerd reads its listeners and TLS settings only when it starts, but reloads its labels on SIGHUP:
            // a change of labels alone keeps the engine, and every container on it, running.
            bool labelsLive = expected.Count == facts.LiveLabels.Count && expected.All(l => facts.LiveLabels.TryGetValue(l.Key, out string? v) && v == l.Value);
            bool restart = !facts.DockerActive || !socketLive || plan.UnitChanges || plan.CaChanges || plan.NewServerCertificate != null
                || (plan.DaemonJsonChanges && !DaemonConfig.DifferOnlyInLabels(currentJson, plan.DesiredDaemonJson));
            if (restart)
            {
                plan.Engine = EngineAction.Restart;
                plan.AddChange(facts.RunningContainers > 0
                    ? $"restart the Docker engine (stops {facts.RunningContainers} running container(s))"
                    : "restart the Docker engine");
            }
            else if (plan.DaemonJsonChanges || !labelsLive)
            {
                plan.Engine = EngineAction.Reload;
                plan.AddChange("reload the Docker engine (running containers keep running)");
            }

            return plan;
        }

        /// <summary>
        /// Applies a plan in one round trip (backup, writes, reload or restart, the wait for the engine, rollback on
        /// failure, all in one script on the host), then checks the new endpoint with one connection.
        /// </summary>
        public async Task<DockerConnection> ApplyAsync(TcpSocketPlan plan, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IRemoteShell session = plan.Session;
            string host = session.Name;
            if (plan.Engine == EngineAction.Restart && plan.Facts.RunningContainers > 0 && !plan.Request.Force)
            {
                throw new SwarmException("ContainersRunning", SwarmErrorKind.ResourceUnavailable,
                    $"{plan.Facts.RunningContainers} container(s) are running on {host}, and restarting the Docker engine would stop them. Stop them first, or run again with -Force. Nothing was changed.", host);
            }

            ApplyScript script = BuildScript(plan);
            string backup = script.BackupFolder;
            string engineStep = plan.Engine == EngineAction.Restart ? "restarting the Docker engine" : plan.Engine == EngineAction.Reload ? "reloading the Docker engine's configuration (SIGHUP; containers keep running)" : "leaving the engine as it is";
            reporter.Verbose($"Backing up {string.Join(", ", RemotePaths.ManagedFiles)} to {backup}, writing {string.Join(", ", script.Writes)}, then {engineStep}, in one remote script.");
            reporter.Progress(plan.Engine == EngineAction.Restart ? "Restarting the Docker engine" : plan.Engine == EngineAction.Reload ? "Reloading the Docker engine" : "Writing configuration", 40);
            EngineFailure? failed = await ApplyRunner.RunAsync(session, script, "Enable-DockerTcpSocket", cancellationToken).ConfigureAwait(false);
            if (failed != null)
            {
                reporter.Warning($"The Docker engine did not come back as expected ({failed.Reason}); the backup from {backup} was restored.");
                throw EngineFailed(plan, failed.Reason, failed.Journal, restoredBy: plan.Engine);
            }

            reporter.Progress("Checking the Engine API", 80);
            (DockerConnection? connection, string? tcpFailure) = await ConnectOverTcpAsync(plan, reporter, cancellationToken).ConfigureAwait(false);
            if (connection != null)
            {
                return connection;
            }

            // The engine answers on the host but not on its endpoint: undo it all, as when it does not come back.
            reporter.Warning($"The Docker engine answers on the host but not on tcp://{session.Address}:{plan.Request.Port} ({tcpFailure}); restoring the backup from {backup}.");
            RemoteCommandResult rollback = await session.SudoAsync(ApplyScript.RollbackText(backup, plan.Engine), null, cancellationToken).ConfigureAwait(false);
            string journal = await RemoteFiles.JournalTailAsync(session, cancellationToken).ConfigureAwait(false);
            throw EngineFailed(plan, tcpFailure!, journal, restoredBy: rollback.Succeeded ? plan.Engine : (EngineAction?)null);
        }

        private ApplyScript BuildScript(TcpSocketPlan plan)
        {
            var script = new ApplyScript(ApplyScript.NewBackupFolder(), plan.Engine, plan.ExpectedLabels);
            if (plan.CaChanges && authority != null)
            {
                script.Write(RemotePaths.CaCertificate, authority.CertificatePem, "0644");
            }

            if (plan.NewServerCertificate != null)
            {
                script.Write(RemotePaths.ServerCertificate, plan.NewServerCertificate.CertificatePem, "0644");
                script.Write(RemotePaths.ServerKey, plan.NewServerCertificate.PrivateKeyPem, "0600");
            }

            if (plan.DaemonJsonChanges)
            {
                script.Write(RemotePaths.DaemonJson, plan.DesiredDaemonJson, "0644");
            }

            // What SwarmPS's daemon.json says, kept aside: Disable-DockerTcpSocket takes out only this, keeping later edits.
            script.Write(RemotePaths.WrittenDaemonJson, plan.DesiredDaemonJson, "0600");
            if (plan.UnitChanges)
            {
                script.Write(RemotePaths.SocketUnit, plan.DesiredUnit, "0644");
            }

            return script;
        }

        private static SwarmException EngineFailed(TcpSocketPlan plan, string failure, string journal, EngineAction? restoredBy)
        {
            string host = plan.Session.Name;
            string restored = ApplyRunner.Restored(restoredBy);
            return new SwarmException("EngineRestartFailed", SwarmErrorKind.InvalidOperation,
                $"The Docker engine on {host} did not answer on tcp://{plan.Session.Address}:{plan.Request.Port} with the expected labels within {ApplyScript.EngineTimeout.TotalSeconds} seconds ({failure}). {restored} Last lines of the engine's journal:{Environment.NewLine}{journal}", host);
        }

        /// <summary>
        /// Puts back every file as it was before SwarmPS first changed the host and restarts the engine.
        /// Returns false when SwarmPS never changed the host (nothing to undo).
        /// </summary>
        public static async Task<bool> DisableAsync(IRemoteShell session, bool force, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            string host = session.Name;

            // Whether SwarmPS changed the host, the facts, and the three versions of daemon.json, in one round trip.
            string originalCopy = $"{RemotePaths.OriginalBackup}/{RemoteFiles.BackupName(RemotePaths.DaemonJson)}";
            reporter.Progress("Looking for the original configuration", 10);
            HostFacts facts = await HostFacts.GatherAsync(
                session,
                new[] { originalCopy, RemotePaths.WrittenDaemonJson, RemotePaths.DaemonJson },
                new[] { RemotePaths.OriginalBackup },
                cancellationToken).ConfigureAwait(false);
            if (!facts.Files.Exists(RemotePaths.OriginalBackup))
            {
                reporter.Verbose($"SwarmPS has not changed {host} (no {RemotePaths.OriginalBackup}): nothing to undo.");
                return false;
            }

            if (facts.RunningContainers > 0 && !force)
            {
                throw new SwarmException("ContainersRunning", SwarmErrorKind.ResourceUnavailable,
                    $"{facts.RunningContainers} container(s) are running on {host}, and restarting the Docker engine would stop them. Stop them first, or run again with -Force. Nothing was changed.", host);
            }

            RemoteFileSet files = facts.Files;
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

        // The apply script returns once the engine answers on the host with the labels, so the first connection over
        // TCP (and TLS) normally succeeds; a few quick retries cover a socket that is still coming up, nothing more.
        private async Task<(DockerConnection? Connection, string? Failure)> ConnectOverTcpAsync(TcpSocketPlan plan, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IRemoteShell session = plan.Session;
            DateTime deadline = DateTime.UtcNow + TcpCheckTimeout;
            TimeSpan pause = TimeSpan.FromMilliseconds(100);
            string failure = "no answer";
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                DockerConnection? connection = null;
                try
                {
                    connection = await engines.OpenNewAsync(EndpointOf(session, plan.Request), NullReporter.Instance, cancellationToken).ConfigureAwait(false);
                    IReadOnlyDictionary<string, string> labels = await connection.GetLabelsAsync(cancellationToken).ConfigureAwait(false);
                    if (plan.ExpectedLabels.All(l => labels.TryGetValue(l.Key, out string? v) && v == l.Value))
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
                if (DateTime.UtcNow + pause >= deadline)
                {
                    return (null, failure);
                }

                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 1000));
            }
        }
    }
}

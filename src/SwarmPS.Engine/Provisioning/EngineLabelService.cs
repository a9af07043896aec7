using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Ssh;

namespace SwarmPS.Engine.Provisioning
{
    /// <summary>What Set-DockerHost -Label would change on one host, worked out before anything changes.</summary>
    public sealed class EngineLabelPlan
    {
        private readonly List<string> changes = new List<string>();

        internal EngineLabelPlan(IRemoteShell session, IReadOnlyDictionary<string, string> requested)
        {
            Session = session;
            Requested = requested;
        }

        public IRemoteShell Session { get; }

        /// <summary>The labels asked for.</summary>
        public IReadOnlyDictionary<string, string> Requested { get; }

        /// <summary>Every label the engine must report once the change is done (those already set, plus the requested).</summary>
        public IReadOnlyDictionary<string, string> ExpectedLabels { get; internal set; } = new Dictionary<string, string>();

        /// <summary>Plain-words list of the changes; empty when the host is already as asked.</summary>
        public IReadOnlyList<string> Changes => changes;

        public bool NeedsChange => changes.Count > 0;

        internal string DesiredDaemonJson { get; set; } = string.Empty;

        internal bool DaemonJsonChanges { get; set; }

        public string Describe() => string.Join("; ", changes);

        internal void AddChange(string change) => changes.Add(change);
    }

    /// <summary>
    /// Sets engine labels over SSH alone: merges them into /etc/docker/daemon.json (every other setting kept)
    /// and has the engine reload its configuration (SIGHUP through systemd). No TCP socket, no TLS, no restart:
    /// running containers keep running. The file is backed up first and put back when the engine does not
    /// report the labels after the reload.
    /// </summary>
    public sealed class EngineLabelService
    {
        /// <summary>Reload through the unit's ExecReload when it has one, else send dockerd the SIGHUP that reload would.</summary>
        internal const string ReloadScript =
            "set -e; if [ \"$(systemctl show -p CanReload --value docker.service)\" = yes ]; then systemctl reload docker.service; " +
            "else systemctl kill -s HUP --kill-who=main docker.service; fi";

        private const string LabelsProbe = "docker info --format '{{json .Labels}}'";

        private readonly TimeSpan reloadTimeout;

        public EngineLabelService(TimeSpan? reloadTimeout = null)
        {
            this.reloadTimeout = reloadTimeout ?? TimeSpan.FromSeconds(30);
        }

        /// <summary>Checks the host and works out what must change. Changes nothing.</summary>
        public async Task<EngineLabelPlan> PlanAsync(IRemoteShell session, IReadOnlyDictionary<string, string> labels, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            string host = session.Name;
            reporter.Progress("Checking systemd and Docker", 10);
            HostFacts facts = await HostFacts.GatherAsync(session, cancellationToken).ConfigureAwait(false);
            if (!facts.HasSystemd)
            {
                throw new SwarmException("SystemdNotFound", SwarmErrorKind.NotInstalled,
                    $"{host} does not run systemd, which SwarmPS needs to have the Docker engine reload its labels. Use a host booted with systemd.", host);
            }

            if (!facts.HasDocker)
            {
                throw new SwarmException("DockerNotInstalled", SwarmErrorKind.NotInstalled,
                    $"{host} has no Docker engine (dockerd not found). Install Docker (for example the docker.io package) and run again.", host);
            }

            if (!facts.DockerActive)
            {
                throw new SwarmException("EngineNotRunning", SwarmErrorKind.ResourceUnavailable,
                    $"docker.service on {host} is not running, so it cannot reload its labels. Start it (sudo systemctl start docker) and run again. Nothing was changed.", host);
            }

            reporter.Verbose($"Reading {RemotePaths.DaemonJson}.");
            RemoteFileSet files = await session.ReadFilesAsync(new[] { RemotePaths.DaemonJson }, Array.Empty<string>(), cancellationToken).ConfigureAwait(false);
            string? currentJson = files.Content(RemotePaths.DaemonJson);
            DaemonConfig config = DaemonConfig.Parse(currentJson, RemotePaths.DaemonJson);
            if (config.HasHostsEntry)
            {
                throw new SwarmException("DaemonJsonHostsConflict", SwarmErrorKind.InvalidData,
                    $"{RemotePaths.DaemonJson} on {host} sets \"hosts\", which clashes with the -H fd:// that systemd's docker.service passes: dockerd refuses to reload (or start) with it. Remove the \"hosts\" entry and run again. Nothing was changed.", host);
            }

            var plan = new EngineLabelPlan(session, labels);
            plan.DesiredDaemonJson = config.Render(labels, tls: null, removeTls: false);
            plan.DaemonJsonChanges = !DaemonConfig.SemanticallyEqual(currentJson, plan.DesiredDaemonJson);
            var expected = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> label in config.Labels.Concat(labels))
            {
                expected[label.Key] = label.Value;
            }

            plan.ExpectedLabels = expected;
            string asked = string.Join(", ", labels.Select(l => $"{l.Key}={l.Value}"));
            if (plan.DaemonJsonChanges)
            {
                plan.AddChange($"write {RemotePaths.DaemonJson} with labels {asked}, other settings kept");
            }

            IReadOnlyDictionary<string, string> live = facts.LiveLabels;
            bool labelsLive = expected.All(l => live.TryGetValue(l.Key, out string? v) && v == l.Value);
            if (plan.DaemonJsonChanges || !labelsLive)
            {
                plan.AddChange("reload the Docker engine's configuration (systemctl reload docker; containers keep running)");
            }

            return plan;
        }

        /// <summary>Applies a plan: back up, write, reload, wait until the engine reports the labels; put the file back on failure.</summary>
        public async Task ApplyAsync(EngineLabelPlan plan, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IRemoteShell session = plan.Session;
            string host = session.Name;
            string? backup = null;
            if (plan.DaemonJsonChanges)
            {
                reporter.Progress("Backing up configuration", 30);
                backup = await RemoteFiles.BackupAsync(session, reporter, cancellationToken).ConfigureAwait(false);
                reporter.Progress("Writing configuration", 50);
                reporter.Verbose($"Writing {RemotePaths.DaemonJson}, existing settings kept.");
                await session.WriteFileAsync(RemotePaths.DaemonJson, plan.DesiredDaemonJson, "0644", cancellationToken).ConfigureAwait(false);
            }

            reporter.Progress("Reloading the Docker engine", 70);
            reporter.Verbose("Reloading the Docker engine's configuration (SIGHUP through systemd); no restart.");
            string? failure = null;
            RemoteCommandResult reload = await session.SudoAsync(ReloadScript, null, cancellationToken).ConfigureAwait(false);
            if (!reload.Succeeded)
            {
                failure = $"the reload failed (exit {reload.ExitCode}): {reload.Error.Trim()}";
            }
            else
            {
                reporter.Progress("Waiting for the labels", 85);
                failure = await WaitForLabelsAsync(session, plan.ExpectedLabels, cancellationToken).ConfigureAwait(false);
            }

            if (failure == null)
            {
                reporter.Verbose($"The engine reports labels {string.Join(", ", plan.ExpectedLabels.Select(l => $"{l.Key}={l.Value}"))}.");
                return;
            }

            string journal = await RemoteFiles.JournalTailAsync(session, cancellationToken).ConfigureAwait(false);
            if (backup != null)
            {
                reporter.Warning($"The Docker engine did not take the new labels ({failure}); restoring {RemotePaths.DaemonJson} from {backup}.");
                await RemoteFiles.RestoreAsync(session, backup, reporter, cancellationToken, restartEngine: false).ConfigureAwait(false);
                await session.SudoAsync(ReloadScript, null, cancellationToken).ConfigureAwait(false);
            }

            throw new SwarmException("EngineReloadFailed", SwarmErrorKind.InvalidOperation,
                $"The Docker engine on {host} did not report the labels within {reloadTimeout.TotalSeconds} seconds after a reload ({failure}).{(backup == null ? string.Empty : $" {RemotePaths.DaemonJson} was restored from {backup}.")} Last lines of the engine's journal:{Environment.NewLine}{journal}", host);
        }

        private async Task<string?> WaitForLabelsAsync(IRemoteShell session, IReadOnlyDictionary<string, string> expected, CancellationToken cancellationToken)
        {
            DateTime deadline = DateTime.UtcNow + reloadTimeout;
            string failure = "no answer";
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                RemoteCommandResult probe = await session.SudoAsync(LabelsProbe, null, cancellationToken).ConfigureAwait(false);
                if (probe.Succeeded)
                {
                    string json = probe.Output.Trim();
                    IReadOnlyDictionary<string, string> live = EngineLabels.FromEngineList(
                        json.Length == 0 || json == "null" ? null : System.Text.Json.JsonSerializer.Deserialize<string[]>(json));
                    if (expected.All(l => live.TryGetValue(l.Key, out string? v) && v == l.Value))
                    {
                        return null;
                    }

                    failure = "the engine reports labels " + (live.Count == 0 ? "(none)" : string.Join(", ", live.Select(l => $"{l.Key}={l.Value}")));
                }
                else
                {
                    failure = probe.Error.Trim();
                }

                if (DateTime.UtcNow >= deadline)
                {
                    return failure;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

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
    /// running containers keep running. One round trip plans (<see cref="HostFacts"/>), one applies: the
    /// <see cref="ApplyScript"/> that Enable-DockerTcpSocket runs, in reload mode, backs the file up, writes it,
    /// reloads, waits on the host until the engine reports the labels, and puts the file back when they do not come.
    /// </summary>
    public sealed class EngineLabelService
    {
        /// <summary>Checks the host and works out what must change, in one round trip. Changes nothing.</summary>
        public async Task<EngineLabelPlan> PlanAsync(IRemoteShell session, IReadOnlyDictionary<string, string> labels, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            string host = session.Name;
            reporter.Progress("Checking the host", 10);
            reporter.Verbose($"Checking systemd and Docker, and reading {RemotePaths.DaemonJson}.");
            HostFacts facts = await HostFacts.GatherAsync(session, new[] { RemotePaths.DaemonJson }, Array.Empty<string>(), cancellationToken).ConfigureAwait(false);
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

            string? currentJson = facts.Files.Content(RemotePaths.DaemonJson);
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

        /// <summary>
        /// Applies a plan in one round trip: one script on the host backs up, writes, reloads, waits until the engine
        /// reports the labels, and puts the file back (and reloads again) when they do not come.
        /// </summary>
        public async Task ApplyAsync(EngineLabelPlan plan, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IRemoteShell session = plan.Session;
            string host = session.Name;
            var script = new ApplyScript(ApplyScript.NewBackupFolder(), EngineAction.Reload, plan.ExpectedLabels);
            if (plan.DaemonJsonChanges)
            {
                script.Write(RemotePaths.DaemonJson, plan.DesiredDaemonJson, "0644");
            }

            string backup = script.BackupFolder;
            reporter.Verbose(plan.DaemonJsonChanges
                ? $"Backing up {RemotePaths.DaemonJson} to {backup}, writing it with existing settings kept, reloading the Docker engine's configuration (SIGHUP through systemd; no restart) and waiting on the host for the labels, in one remote script."
                : $"Reloading the Docker engine's configuration (SIGHUP through systemd; no restart) and waiting on the host for the labels, in one remote script; {RemotePaths.DaemonJson} already has them.");
            reporter.Progress("Reloading the Docker engine", 40);
            EngineFailure? failed = await ApplyRunner.RunAsync(session, script, "Set-DockerHost", cancellationToken).ConfigureAwait(false);
            if (failed == null)
            {
                reporter.Verbose($"The engine reports labels {string.Join(", ", plan.ExpectedLabels.Select(l => $"{l.Key}={l.Value}"))}.");
                return;
            }

            reporter.Warning($"The Docker engine did not take the new labels ({failed.Reason}); {RemotePaths.DaemonJson} was restored from {backup}.");
            throw new SwarmException("EngineReloadFailed", SwarmErrorKind.InvalidOperation,
                $"The Docker engine on {host} did not report the labels within {ApplyScript.EngineTimeout.TotalSeconds} seconds after a reload ({failed.Reason}). {RemotePaths.DaemonJson} was restored from {backup} and the engine reloaded it. Last lines of the engine's journal:{Environment.NewLine}{failed.Journal}", host);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Registry;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>What a change to a running container (service) would do, worked out before anything changes.</summary>
    public sealed class ContainerChangePlan
    {
        internal ContainerChangePlan(SwarmService service, ServiceSpec after, IReadOnlyList<FieldChange> changes, ContainerChangeKind kind)
        {
            Service = service;
            After = after;
            Changes = changes;
            Kind = kind;
        }

        public string Name => Service.Spec?.Name ?? string.Empty;

        public ContainerChangeKind Kind { get; }

        /// <summary>The fields that change, in order; empty for a restart or a rollback, which keep the spec.</summary>
        public IReadOnlyList<FieldChange> Changes { get; }

        /// <summary>Nothing to do: the same settings again (Changed False, no update, no restart).</summary>
        public bool NeedsChange => Kind != ContainerChangeKind.Update || Changes.Count > 0;

        internal SwarmService Service { get; }

        internal ServiceSpec After { get; }

        /// <summary>The registry login the nodes pull a new image with; null keeps the one the service has.</summary>
        internal RegistryLogin? Login { get; init; }

        /// <summary>Swarm replaces tasks for this change (anything but a new replica count or update policy alone).</summary>
        internal bool ReplacesTasks => Kind != ContainerChangeKind.Update
            || Changes.Any(c => c.Field != "Replicas" && !c.Field.StartsWith("Update", StringComparison.Ordinal));

        /// <summary>The change in words, for -WhatIf and the confirmation prompt.</summary>
        public string Describe() => Kind switch
        {
            ContainerChangeKind.Restart => $"Replace every task of '{Name}' ({Policy()})",
            ContainerChangeKind.Rollback => $"Roll '{Name}' back to its previous settings: {string.Join("; ", Changes)}",
            _ => $"Change '{Name}'{(ReplacesTasks ? $" ({Policy()})" : string.Empty)}: {string.Join("; ", Changes)}",
        };

        private string Policy()
        {
            SwarmUpdateConfig? update = After.UpdateConfig;
            return $"rolling, {update?.Parallelism ?? 1} at a time, {update?.Order ?? "stop-first"}, on failure {update?.FailureAction ?? "pause"}";
        }
    }

    public enum ContainerChangeKind
    {
        Update,
        Restart,
        Rollback,
    }

    /// <summary>
    /// Day-two changes of a running container: new settings as a rolling update, a restart of every task
    /// (docker service update --force) and a rollback, each followed until swarm says it converged.
    /// </summary>
    public sealed class ContainerUpdater
    {
        /// <summary>The login saved for a registry key (Connect-SwarmRegistry's), read when a new image is resolved.</summary>
        public Func<string, RegistryLogin?> SavedLogin { get; init; } = key => new RegistryLoginStore().Find(key);

        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

        /// <summary>Works out a change of settings and checks it can succeed (nodes, image, resources) before anything changes.</summary>
        public async Task<ContainerChangePlan> PlanUpdateAsync(ClusterContext context, string name, ContainerSettings settings, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            SwarmService service = await FindAsync(context, name, cancellationToken).ConfigureAwait(false);
            if (settings.Replicas != null && service.Spec?.Mode?.Global != null)
            {
                throw new SwarmException("ReplicasOfGlobal", SwarmErrorKind.InvalidArgument,
                    $"'{name}' runs one container on every node (global mode), so it has no replica count to set. Leave out -Replicas; add or drain nodes to change how many run.", name);
            }

            ServicePlacement.RequireSameMode(name, service.Spec, settings.Global);
            ServicePlacement.RequireModeSettings(name, service.Spec?.Mode?.Global != null, settings);

            settings = await Objects.ClusterObjectService.ResolveAsync(context.RequireManager(), name, settings, cancellationToken).ConfigureAwait(false);
            settings = await Networking.NetworkService.ResolveAsync(context.RequireManager(), name, settings, cancellationToken).ConfigureAwait(false);
            ServiceSpec after = ServiceSpecEditor.Apply(service.Spec!, settings);
            IReadOnlyList<PlacementConstraint> constraints = ConstraintParser.ParseAll(after.TaskTemplate?.Placement?.Constraints ?? new List<string>());
            RegistryLogin? login = null;
            if (settings.Image != null)
            {
                // As docker service update --image does: the registry's digest now, so a new push of the same tag is a change.
                IReadOnlyList<NodeFacts> candidates = WorkloadService.RequireEligibleNodes(name, context.Nodes, constraints);
                ResolvedImage image = await ImageResolver.ResolveAsync(context, name, settings.Image, settings.RegistryCredential, SavedLogin, candidates, needConfig: false, reporter, cancellationToken).ConfigureAwait(false);
                login = image.Login;
                after = ServiceSpecEditor.Apply(service.Spec!, settings with { Image = image.Reference });
            }

            IReadOnlyList<FieldChange> changes = ServiceSpecEditor.Compare(service.Spec!, after);
            if (changes.Any(c => c.Field == "Networks"))
            {
                // Swarm keeps networks by id; the plan shows their names.
                changes = Networking.NetworkService.WithNames(changes, (await context.RequireManager().ListNetworksAsync(cancellationToken).ConfigureAwait(false)).ToList());
            }

            if (changes.Count == 0)
            {
                return new ContainerChangePlan(service, after, changes, ContainerChangeKind.Update);
            }

            IReadOnlyList<NodeFacts> eligible = WorkloadService.RequireEligibleNodes(name, context.Nodes, constraints);
            ServicePlacement.RequireRoom(name, after, eligible);
            if (changes.Any(c => c.Field is "PlacementPreferences" or "Constraints"))
            {
                ServicePlacement.WarnUnusedPreferences(name, after, eligible, reporter);
            }
            if (changes.Any(c => c.Field is "Mounts" or "Constraints"))
            {
                await Storage.BindSources.RequireAsync(context, name, after.TaskTemplate?.ContainerSpec?.Mounts, eligible, reporter, cancellationToken).ConfigureAwait(false);
            }

            if (settings.HasReservation)
            {
                // The container's own tasks give their reservation back when they are replaced.
                IList<TaskResponse> running = await context.RequireManager().ListTasksAsync(null, desiredRunning: true, cancellationToken).ConfigureAwait(false);
                var reservation = new ContainerSettings
                {
                    ReserveCpu = (after.TaskTemplate?.Resources?.Reservations?.NanoCPUs ?? 0) / 1e9,
                    ReserveMemory = after.TaskTemplate?.Resources?.Reservations?.MemoryBytes ?? 0,
                };
                ResourceFit.Require(name, reservation, context.Nodes.Where(n => eligible.Any(e => e.Id == n.ID)).ToList(), running.Where(t => t.ServiceID != service.ID));
            }

            return new ContainerChangePlan(service, after, changes, ContainerChangeKind.Update) { Login = login };
        }

        /// <summary>A restart: same spec, every task replaced, as docker service update --force does.</summary>
        public async Task<ContainerChangePlan> PlanRestartAsync(ClusterContext context, string name, CancellationToken cancellationToken)
        {
            SwarmService service = await FindAsync(context, name, cancellationToken).ConfigureAwait(false);
            ServiceSpec after = ServiceSpecEditor.Apply(service.Spec!, new ContainerSettings());
            after.TaskTemplate!.ForceUpdate = (service.Spec!.TaskTemplate?.ForceUpdate ?? 0) + 1;
            return new ContainerChangePlan(service, after, Array.Empty<FieldChange>(), ContainerChangeKind.Restart);
        }

        /// <summary>A rollback to the spec before the last change; NoPreviousSpec when there was none.</summary>
        public async Task<ContainerChangePlan> PlanRollbackAsync(ClusterContext context, string name, CancellationToken cancellationToken)
        {
            SwarmService service = await FindAsync(context, name, cancellationToken).ConfigureAwait(false);
            if (service.PreviousSpec == null)
            {
                throw new SwarmException("NoPreviousSpec", SwarmErrorKind.InvalidOperation,
                    $"'{name}' has not been changed since it was created, so there is nothing to roll back to.", name);
            }

            return new ContainerChangePlan(service, service.Spec!, ServiceSpecEditor.Compare(service.Spec!, service.PreviousSpec), ContainerChangeKind.Rollback);
        }

        /// <summary>
        /// Applies a plan and, unless <paramref name="noWait"/>, follows it until swarm reports it done. A failed
        /// update ends in UpdateFailed (paused, or rolled back by hand later) or UpdateRolledBack (the policy
        /// rolled it back), naming the task's error.
        /// </summary>
        public async Task<IReadOnlyList<SwarmContainer>> ApplyAsync(ClusterContext context, ContainerChangePlan plan, bool noWait, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            SwarmService service = plan.Service;
            string name = plan.Name;
            ContainerRequest shape = ShapeOf(plan, timeout);
            if (!plan.NeedsChange)
            {
                reporter.Verbose($"'{name}' already has these settings; nothing to change.");
                return await WorkloadService.WaitForTasksAsync(context, service.ID, plan.After, ServicePlacement.ExpectedTasks(plan.After, context.Nodes), shape, changed: false, reporter, cancellationToken).ConfigureAwait(false);
            }

            string? state = service.UpdateStatus?.State;
            if (state is "updating" or "rollback_started")
            {
                throw new SwarmException("UpdateInProgress", SwarmErrorKind.InvalidOperation,
                    $"'{name}' is being {(state == "updating" ? "updated" : "rolled back")} right now ({service.UpdateStatus?.Message}). Wait until it is done (Get-SwarmTask {name} shows it), then run the command again.", name);
            }

            DateTime? previousStart = service.UpdateStatus?.StartedAt;
            reporter.Progress(plan.Kind == ContainerChangeKind.Rollback ? "Rolling back" : "Updating", 10);
            reporter.Verbose(plan.Describe() + ".");
            IReadOnlyList<string> warnings = await manager.UpdateServiceAsync(service.ID, service.Version?.Index ?? 0, plan.After, plan.Kind == ContainerChangeKind.Rollback, plan.Login, cancellationToken).ConfigureAwait(false);
            foreach (string warning in warnings)
            {
                reporter.Warning(warning);
            }

            if (noWait)
            {
                return new[] { new SwarmContainer(new SwarmContainerData { Name = name, ServiceId = service.ID, Image = shape.Image, State = "updating", Cluster = context.Name, Changed = true }) };
            }

            DateTime deadline = DateTime.UtcNow + timeout;
            if (plan.ReplacesTasks)
            {
                await FollowUpdateAsync(context, plan, previousStart, deadline, reporter, cancellationToken).ConfigureAwait(false);
            }

            TimeSpan left = deadline - DateTime.UtcNow;
            ServiceSpec running = plan.Kind == ContainerChangeKind.Rollback ? service.PreviousSpec! : plan.After;
            return await WorkloadService.WaitForTasksAsync(context, service.ID, running, ServicePlacement.ExpectedTasks(running, context.Nodes),
                shape with { StartTimeout = left > TimeSpan.FromSeconds(5) ? left : TimeSpan.FromSeconds(5) }, changed: true, reporter, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Polls the service's update status until swarm says the update (or rollback) ended.</summary>
        private static async Task FollowUpdateAsync(ClusterContext context, ContainerChangePlan plan, DateTime? previousStart, DateTime deadline, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            string name = plan.Name;
            string last = "not started yet";
            while (DateTime.UtcNow < deadline)
            {
                SwarmService current;
                try
                {
                    current = await manager.InspectServiceAsync(plan.Service.ID, cancellationToken).ConfigureAwait(false);
                }
                catch (SwarmException lost) when (lost.Kind is SwarmErrorKind.ConnectionError or SwarmErrorKind.OperationTimeout)
                {
                    throw new SwarmException("UpdateStateUnknown", SwarmErrorKind.ConnectionError,
                        $"Lost the manager while '{name}' was changing ({lost.Message}). Swarm goes on with the update by itself; once a manager answers, Get-SwarmTask {name} shows whether it runs the old or the new settings.", name, lost);
                }

                UpdateStatus? status = current.UpdateStatus;
                bool ours = status != null && status.StartedAt != previousStart;
                if (ours)
                {
                    last = $"{status!.State}: {status.Message}";
                    reporter.Progress($"{status.State}: {status.Message}", -1);
                    switch (status.State)
                    {
                        case "completed":
                            reporter.Verbose($"Swarm reports the update of '{name}' completed.");
                            return;
                        case "rollback_completed" when plan.Kind == ContainerChangeKind.Rollback:
                            reporter.Verbose($"'{name}' is back on its previous settings.");
                            return;
                        case "rollback_completed":
                            throw new SwarmException("UpdateRolledBack", SwarmErrorKind.InvalidOperation,
                                $"The update of '{name}' failed and was rolled back, as its update policy says: {await TaskErrorAsync(manager, current, cancellationToken).ConfigureAwait(false)} It runs its previous settings again.", name);
                        case "paused":
                        case "rollback_paused":
                            throw new SwarmException("UpdateFailed", SwarmErrorKind.InvalidOperation,
                                $"The {(status.State == "paused" ? "update" : "rollback")} of '{name}' failed and is paused ({status.Message}): {await TaskErrorAsync(manager, current, cancellationToken).ConfigureAwait(false)} Some tasks may run the new settings and some the old: roll back with Set-SwarmContainer {name} -Rollback, or fix the settings and run Set-SwarmContainer again.", name);
                    }
                }

                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }

            throw new SwarmException("UpdateTimeout", SwarmErrorKind.OperationTimeout,
                $"The change of '{name}' did not finish in time (last: {last}). Swarm goes on with it; follow it with Get-SwarmTask {name}, or give more time with -Timeout.", name);
        }

        /// <summary>The error of the newest failed task, which is why an update stops.</summary>
        private static async Task<string> TaskErrorAsync(IDockerEngine manager, SwarmService service, CancellationToken cancellationToken)
        {
            IList<TaskResponse> tasks = await manager.ListTasksAsync(service.ID, desiredRunning: false, cancellationToken).ConfigureAwait(false);
            TaskResponse? failed = tasks
                .Where(t => !string.IsNullOrEmpty(t.Status?.Err) || t.Status?.State is TaskState.Failed or TaskState.Rejected)
                .OrderByDescending(t => t.Status?.Timestamp)
                .FirstOrDefault();
            return failed == null
                ? "swarm gave no task error."
                : $"task {failed.Slot} on node {failed.NodeID}: {failed.Status?.Err ?? failed.Status?.Message ?? failed.Status?.State.ToString()}.";
        }

        private static async Task<SwarmService> FindAsync(ClusterContext context, string name, CancellationToken cancellationToken) =>
            (await context.RequireManager().ListServicesAsync(name, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
            ?? throw new SwarmException("ContainerNotFound", SwarmErrorKind.ObjectNotFound,
                $"No container named '{name}' runs in cluster '{context.Name}'. Get-SwarmContainer lists them.", name);

        private static ContainerRequest ShapeOf(ContainerChangePlan plan, TimeSpan timeout) => new ContainerRequest
        {
            Name = plan.Name,
            Image = ServiceSpecEditor.NormalizeImage((plan.Kind == ContainerChangeKind.Rollback ? plan.Service.PreviousSpec : plan.After)?.TaskTemplate?.ContainerSpec?.Image ?? string.Empty),
            StartTimeout = timeout,
        };
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the tasks of containers run as swarm services, like docker service ps: each task's slot, node, desired and current state, age, and why it is not running, in plain words.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmTask", DefaultParameterSetName = NameSet)]
    [OutputType(typeof(SwarmTask))]
    public sealed class GetSwarmTaskCommand : ClusterCmdlet
    {
        private const string NameSet = "Name";
        private const string ObjectSet = "InputObject";

        // A service's replicas come down the pipeline one container each: write its tasks once.
        private readonly HashSet<string> written = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Container (service) names; wildcards allowed. All services when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        /// <summary>Containers as Get-SwarmContainer or New-SwarmContainer return them.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public SwarmContainer[] InputObject { get; set; } = Array.Empty<SwarmContainer>();

        /// <summary>Only the newest task of each slot, without the history of tasks it replaced.</summary>
        [Parameter]
        public SwitchParameter Latest { get; set; }

        protected override void ProcessRecord()
        {
            ClusterContext context = ResolveContext();
            Func<string, bool> selects;
            IReadOnlyList<string> wanted;
            if (ParameterSetName == ObjectSet)
            {
                foreach (SwarmContainer outside in InputObject.Where(c => string.IsNullOrEmpty(c.ServiceId)))
                {
                    WriteWarning($"{outside} was started outside the swarm, not as a service, so it has no tasks.");
                }

                wanted = InputObject.Where(c => !string.IsNullOrEmpty(c.ServiceId)).Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList();
                if (wanted.Count == 0)
                {
                    return;
                }

                // Service names are exact here: they came from the swarm.
                selects = name => wanted.Contains(name, StringComparer.Ordinal);
            }
            else
            {
                wanted = Name ?? Array.Empty<string>();
                List<WildcardPattern> patterns = wanted.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
                selects = name => patterns.Count == 0 || patterns.Any(p => p.IsMatch(name));
            }

            IReadOnlyList<string> services = Array.Empty<string>();
            IReadOnlyList<SwarmTask> tasks = Array.Empty<SwarmTask>();
            RunAsync(async channel => (services, tasks) = await Workloads.TasksAsync(context, selects, Latest.IsPresent, StopToken).ConfigureAwait(false));

            foreach (string name in wanted.Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && !services.Contains(n, StringComparer.OrdinalIgnoreCase)))
            {
                WriteError(ErrorRecords.From(new SwarmException("ContainerNotFound", SwarmErrorKind.ObjectNotFound,
                    $"No container (swarm service) named '{name}' in cluster '{context.Name}'. Get-SwarmTask without a name lists the tasks of every service."), name));
            }

            WriteObject(tasks.Where(t => written.Add(t.Cluster + "/" + t.TaskId)).ToList(), enumerateCollection: true);
        }
    }
}

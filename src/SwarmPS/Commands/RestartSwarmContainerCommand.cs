using System;
using System.Collections.Generic;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Workloads;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Replaces every container of a service with a fresh one, rolling, as its update policy says, without changing its settings.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Restart, "SwarmContainer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(SwarmContainer))]
    public sealed class RestartSwarmContainerCommand : ClusterCmdlet
    {
        private const string NameSet = "Name";
        private const string ObjectSet = "InputObject";

        private readonly List<string> names = new List<string>();
        private readonly List<SwarmContainer> piped = new List<SwarmContainer>();

        /// <summary>Container (service) names; wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>Containers as Get-SwarmContainer returns them; each service is restarted once.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public SwarmContainer[] InputObject { get; set; } = Array.Empty<SwarmContainer>();

        /// <summary>Return once swarm has the restart instead of waiting until every container was replaced.</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary>How long to wait for the restart to converge (default 5m).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Timeout { get; set; } = "5m";

        protected override void ProcessRecord()
        {
            names.AddRange(Name);
            piped.AddRange(InputObject);
        }

        protected override void EndProcessing()
        {
            TimeSpan timeout;
            try
            {
                timeout = Duration.Parse(Timeout, nameof(Timeout));
            }
            catch (SwarmException invalid)
            {
                ThrowTerminatingError(ErrorRecords.From(invalid, Timeout));
                return;
            }

            ClusterContext context = ResolveContext();
            var updater = new ContainerUpdater();
            ChangeServices(context, ServiceNamesFor(context, names, piped), "Restarting containers", (service, reporter) => updater.PlanRestartAsync(context, service, StopToken), NoWait.IsPresent, timeout);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Starts a swarm manager on a host: swarm init for the cluster's first manager, else a join as an extra manager.</para>
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "SwarmManager", SupportsShouldProcess = true, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(SwarmNode))]
    public sealed class StartSwarmManagerCommand : ClusterHostCmdlet
    {
        /// <summary>Make the host leave another swarm it is in first.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void EndProcessing()
        {
            ValidateAdvertiseAddress();
            ClusterContext context = ResolveContext();
            foreach (string host in Hosts)
            {
                // One at a time: each extra manager joins through the ones before it.
                if (ShouldProcess(host, $"Make a manager of cluster '{context.Name}'"))
                {
                    RunForTarget(host, "Starting swarm managers", async reporter =>
                    {
                        DockerConnection engine = await Engines.OpenAsync(EndpointOf(host), reporter, StopToken).ConfigureAwait(false);
                        return NodeOutput.Wrap(await ClusterCmdlet.Service.StartManagerAsync(context, engine, AdvertiseAddress, Force.IsPresent, reporter, StopToken).ConfigureAwait(false));
                    });
                }
            }
        }
    }
}

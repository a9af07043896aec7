using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Joins hosts to the cluster's swarm as workers (or managers), in parallel, with a join token fetched from a manager at that moment.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Join, "SwarmNode", SupportsShouldProcess = true, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(SwarmNode))]
    public sealed class JoinSwarmNodeCommand : ClusterHostCmdlet
    {
        /// <summary>Worker (default) or Manager.</summary>
        [Parameter]
        [ValidateSet("Worker", "Manager", IgnoreCase = true)]
        public string Role { get; set; } = "Worker";

        /// <summary>Make a host that is in another swarm leave it first.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>How many hosts join at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = HostFanOut.DefaultThrottleLimit;

        protected override void EndProcessing()
        {
            ValidateAdvertiseAddress();
            ClusterContext context = ResolveContext();
            string role = Role.ToLowerInvariant();
            var approved = Hosts.Where(host => ShouldProcess(host, $"Join cluster '{context.Name}' as {role}")).ToList();
            RunAsync(channel => HostFanOut.RunAsync(
                channel,
                approved,
                name => name,
                $"Joining nodes to cluster '{context.Name}'",
                ThrottleLimit,
                async (name, reporter, token) =>
                {
                    DockerConnection engine = await Engines.OpenAsync(EndpointOf(name), reporter, token).ConfigureAwait(false);
                    return NodeOutput.Wrap(await ClusterCmdlet.Service.JoinAsync(context, engine, role, AdvertiseAddress, Force.IsPresent, reporter, token).ConfigureAwait(false));
                },
                StopToken));
        }
    }
}

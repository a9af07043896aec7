using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Provisioning;
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
            ClusterRecord record = ResolveCluster();
            foreach (string host in Hosts)
            {
                if (!ShouldProcess(host, $"Make a manager of cluster '{record.Name}'"))
                {
                    continue;
                }

                // One at a time: each extra manager joins through the ones before it.
                RunAsync(channel => HostFanOut.RunAsync(
                    channel,
                    new[] { host },
                    name => name,
                    "Starting swarm managers",
                    1,
                    async (name, reporter, token) =>
                    {
                        DockerConnection engine = await HostInputs.EngineAsync(Sessions, name, Identity, RemotePaths.TlsPort, reporter, token).ConfigureAwait(false);
                        SwarmNode node = await Service.StartManagerAsync(record, engine, AdvertiseAddress, Force.IsPresent, reporter, token).ConfigureAwait(false);
                        return NodeOutput.Wrap(node);
                    },
                    StopToken));
            }
        }
    }
}

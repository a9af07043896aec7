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
    public sealed class StartSwarmManagerCommand : ClusterCmdlet
    {
        private const string NameSet = "HostName";
        private const string ObjectSet = "InputObject";

        private readonly List<string> hosts = new List<string>();

        /// <summary>The host to make a manager; its Engine API must be enabled (Enable-DockerTcpSocket).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [Alias("ComputerName", "Name")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[] HostName { get; set; } = Array.Empty<string>();

        /// <summary>Hosts as Enable-DockerTcpSocket or Get-DockerHost return them.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

        /// <summary>The address other nodes reach this manager at; defaults to the address its engine was reached at.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AdvertiseAddress { get; set; }

        /// <summary>Make the host leave another swarm it is in first.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            hosts.AddRange(ParameterSetName == ObjectSet ? HostInputs.NamesOf(this, Sessions, InputObject) : HostName);
        }

        protected override void EndProcessing()
        {
            ClusterRecord record = ResolveCluster();
            foreach (string host in hosts)
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
                        DockerConnection engine = await HostInputs.EngineAsync(Sessions, name, token).ConfigureAwait(false);
                        SwarmNode node = await Service.StartManagerAsync(record, engine, AdvertiseAddress, Force.IsPresent, reporter, token).ConfigureAwait(false);
                        return NodeOutput.Wrap(node);
                    },
                    StopToken));
            }
        }
    }
}

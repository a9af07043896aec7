using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace SwarmPS.Infrastructure
{
    /// <summary>Base of the cmdlets that add hosts to a cluster: by name, or as DockerHost, SwarmHost or SwarmNode objects.</summary>
    public abstract class ClusterHostCmdlet : ClusterCmdlet
    {
        internal const string NameSet = "HostName";
        internal const string ObjectSet = "InputObject";

        private readonly List<string> hosts = new List<string>();

        /// <summary>Hosts whose Engine API is enabled (Enable-DockerTcpSocket), by the name they were enabled with.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [Alias("ComputerName", "Name")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[] HostName { get; set; } = Array.Empty<string>();

        /// <summary>Hosts as DockerHost, SwarmHost or SwarmNode objects, or names.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

        /// <summary>The address other nodes reach this host at; by default the address its engine was reached at. Only with a single host.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? AdvertiseAddress { get; set; }

        /// <summary>The hosts collected from parameters and the pipeline.</summary>
        internal IReadOnlyList<string> Hosts => hosts;

        protected override void ProcessRecord()
        {
            hosts.AddRange(ParameterSetName == ObjectSet ? HostInputs.NamesOf(this, Sessions, InputObject) : HostName);
        }

        /// <summary>Refuses -AdvertiseAddress for several hosts, before anything changes: one address cannot belong to them all.</summary>
        internal void ValidateAdvertiseAddress()
        {
            if (AdvertiseAddress != null && hosts.Count > 1)
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument("AdvertiseAddressForSeveralHosts",
                    $"-AdvertiseAddress {AdvertiseAddress} was given for {hosts.Count} hosts ({string.Join(", ", hosts)}), but each host has its own address. Run the command once per host with its own -AdvertiseAddress.", AdvertiseAddress));
            }
        }
    }
}

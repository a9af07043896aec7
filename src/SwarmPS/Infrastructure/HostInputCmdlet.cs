using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Base of the cmdlets that act on hosts given by name or as the module's objects: it owns the
    /// HostName and InputObject parameter sets and collects what arrives, from parameters and the
    /// pipeline, into one list of host names.
    /// </summary>
    public abstract class HostInputCmdlet : SwarmCmdlet
    {
        internal const string NameSet = "HostName";
        internal const string ObjectSet = "InputObject";

        private readonly List<string> hosts = new List<string>();

        /// <summary>Hosts by the name or address they were connected or enabled with.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [Alias("ComputerName", "Name")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[] HostName { get; set; } = Array.Empty<string>();

        /// <summary>Hosts as SwarmHost, DockerHost or SwarmNode objects, or names.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

        /// <summary>The host names collected from parameters and the pipeline, in the order they came.</summary>
        internal IReadOnlyList<string> Hosts => hosts;

        protected override void ProcessRecord()
        {
            hosts.AddRange(ParameterSetName == ObjectSet ? HostInputs.NamesOf(this, InputObject) : HostName);
        }
    }
}

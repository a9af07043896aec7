using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Base of every cmdlet that acts on hosts given by name or as the module's objects: it owns the
    /// HostName and InputObject parameter sets and turns what arrives, from parameters and the
    /// pipeline, into hosts.
    /// </summary>
    public abstract class HostInputCmdlet : SwarmCmdlet
    {
        internal const string NameSet = "HostName";
        internal const string ObjectSet = "InputObject";

        private readonly List<string> hosts = new List<string>();

        /// <summary>Hosts by name or address.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [Alias("ComputerName", "Name")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[] HostName { get; set; } = Array.Empty<string>();

        /// <summary>Hosts as SwarmHost, DockerHost or SwarmNode objects, or names.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

        /// <summary>The host names collected so far from parameters and the pipeline, in the order they came.</summary>
        internal IReadOnlyList<string> Hosts => hosts;

        /// <summary>The hosts of the current pipeline item (or of the parameters).</summary>
        internal IReadOnlyList<HostInput> CurrentInputs()
        {
            IEnumerable<HostInput> inputs = ParameterSetName == ObjectSet
                ? HostInputs.Resolve(this, InputObject)
                : HostName.Select(name => new HostInput(name));

            // A name no resolver could take is refused here, per host, before anything is planned or changed.
            var valid = new List<HostInput>();
            foreach (HostInput input in inputs)
            {
                try
                {
                    Engine.Ssh.HostNames.Validate(input.Name);
                    valid.Add(input);
                }
                catch (SwarmException invalid)
                {
                    WriteSwarmError(invalid, input.Name);
                }
            }

            return valid;
        }

        protected override void ProcessRecord()
        {
            hosts.AddRange(CurrentInputs().Select(input => input.Name));
        }
    }
}

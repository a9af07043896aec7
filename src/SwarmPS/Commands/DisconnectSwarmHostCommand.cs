using System.Linq;
using System.Management.Automation;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Closes SSH sessions (and the Docker clients of the same hosts) opened in this PowerShell session.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Disconnect, "SwarmHost", SupportsShouldProcess = true, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(void))]
    public sealed class DisconnectSwarmHostCommand : SwarmCmdlet
    {
        private const string NameSet = "Name";
        private const string ObjectSet = "InputObject";

        /// <summary>Host names whose sessions to close; wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [Alias("ComputerName", "HostName")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[] Name { get; set; } = System.Array.Empty<string>();

        /// <summary>Sessions as Connect-SwarmHost or Get-SwarmHost return them.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public SwarmHost[] InputObject { get; set; } = System.Array.Empty<SwarmHost>();

        protected override void ProcessRecord()
        {
            string[] patterns = ParameterSetName == ObjectSet ? InputObject.Select(h => WildcardPattern.Escape(h.Name)).ToArray() : Name;
            foreach (string text in patterns)
            {
                var pattern = new WildcardPattern(text, WildcardOptions.IgnoreCase);
                var matches = Sessions.Hosts.Where(s => pattern.IsMatch(s.Name)).ToList();
                if (matches.Count == 0)
                {
                    WriteVerbose($"No open session matches '{text}'; nothing to close.");
                }

                foreach (var session in matches)
                {
                    if (ShouldProcess(session.Name, "Close the SSH session and the Docker client"))
                    {
                        Sessions.RemoveEngines(session.Name);
                        Sessions.RemoveHost(session.Name);
                        WriteVerbose($"Closed the SSH session to {session.Name}.");
                    }
                }
            }
        }
    }
}

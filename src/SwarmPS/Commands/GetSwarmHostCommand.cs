using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Ssh;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the SSH sessions open in this PowerShell session.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmHost")]
    [OutputType(typeof(SwarmHost))]
    public sealed class GetSwarmHostCommand : SwarmCmdlet
    {
        /// <summary>Host names to show; wildcards allowed. All sessions when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ComputerName", "HostName")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(HostNameCompleter))]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            var sessions = Sessions.Hosts;
            if (Name == null)
            {
                WriteObject(sessions.Select(s => s.ToSwarmHost()), enumerateCollection: true);
                return;
            }

            foreach (string name in Name)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                HostSession[] matches = sessions.Where(s => pattern.IsMatch(s.Name)).ToArray();
                if (matches.Length == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteError(ErrorRecords.From(new SwarmException("HostNotConnected", SwarmErrorKind.ObjectNotFound,
                        $"No SSH session to '{name}' is open in this PowerShell session. Open one with Connect-SwarmHost -HostName {name}."), name));
                }

                WriteObject(matches.Select(s => s.ToSwarmHost()), enumerateCollection: true);
            }
        }
    }
}

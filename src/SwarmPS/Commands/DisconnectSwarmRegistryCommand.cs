using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Registry;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Forgets the login saved for a registry. Containers already running keep the login they were created with.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Disconnect, "SwarmRegistry", SupportsShouldProcess = true)]
    [OutputType(typeof(SwarmRegistry))]
    public sealed class DisconnectSwarmRegistryCommand : SwarmCmdlet
    {
        /// <summary>The registry, as given to Connect-SwarmRegistry, or a SwarmRegistry from Get-SwarmRegistry.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Registry { get; set; } = string.Empty;

        protected override void ProcessRecord()
        {
            string key;
            try
            {
                key = RegistryLoginStore.KeyOf(Registry);
            }
            catch (SwarmException invalid)
            {
                WriteSwarmError(invalid, Registry);
                return;
            }

            var store = new RegistryLoginStore();
            RegistryLogin? saved = store.List().FirstOrDefault(l => l.Registry == key);
            if (saved == null)
            {
                WriteVerbose($"No login is saved for {key}; nothing to forget.");
                WriteObject(new SwarmRegistry(key, string.Empty, changed: false));
                return;
            }

            if (!ShouldProcess(key, $"Forget the saved login of '{saved.UserName}'"))
            {
                return;
            }

            bool changed = store.Remove(key);
            WriteVerbose($"Forgot the login of '{saved.UserName}' for {key}.");
            WriteObject(new SwarmRegistry(key, saved.UserName, changed));
        }
    }
}

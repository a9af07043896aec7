using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Registry;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Checks a registry login through the cluster's manager and saves it, so containers pull private images from that registry without -RegistryCredential.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "SwarmRegistry", SupportsShouldProcess = true)]
    [OutputType(typeof(SwarmRegistry))]
    public sealed class ConnectSwarmRegistryCommand : ClusterCmdlet
    {
        /// <summary>The registry's host and port (registry.example.com:5000), or docker.io for Docker Hub.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Registry { get; set; } = string.Empty;

        /// <summary>The user name and password (or access token) for the registry.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [Credential]
        public PSCredential Credential { get; set; } = PSCredential.Empty;

        /// <summary>Save the login without asking the registry whether it is good (no cluster is needed then).</summary>
        [Parameter]
        public SwitchParameter SkipLoginCheck { get; set; }

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

            var login = new RegistryLogin(key, Credential.UserName, Credential.GetNetworkCredential().Password);
            if (!ShouldProcess(key, $"Save the login of '{login.UserName}' for registry {key}"))
            {
                return;
            }

            if (!SkipLoginCheck.IsPresent)
            {
                ClusterContext context = ResolveContext();
                bool accepted = false;
                RunForTarget(key, "Logging in", async reporter =>
                {
                    reporter.Verbose($"Asking {key}, through the manager {context.RequireManager().Name}, whether it accepts '{login.UserName}'.");
                    await context.RequireManager().AuthenticateAsync(login, StopToken).ConfigureAwait(false);
                    accepted = true;
                    return null;
                });
                if (!accepted)
                {
                    return;
                }
            }

            bool changed = new RegistryLoginStore().Save(login);
            WriteVerbose(changed ? $"Saved the login of '{login.UserName}' for {key}." : $"The same login for {key} was saved already.");
            WriteObject(new SwarmRegistry(key, login.UserName, changed));
        }
    }
}

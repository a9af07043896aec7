using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Registry;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the registries with a login saved by Connect-SwarmRegistry, and the user of each (never a password).</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmRegistry")]
    [OutputType(typeof(SwarmRegistry))]
    public sealed class GetSwarmRegistryCommand : SwarmCmdlet
    {
        /// <summary>Registries to show; wildcards allowed. All when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        public string[]? Registry { get; set; }

        protected override void ProcessRecord()
        {
            var patterns = (Registry ?? new[] { "*" }).Select(r => WildcardPattern.ContainsWildcardCharacters(r) ? r : KeyOrSelf(r))
                .Select(r => new WildcardPattern(r, WildcardOptions.IgnoreCase)).ToList();
            foreach (RegistryLogin login in new RegistryLoginStore().List().Where(l => patterns.Any(p => p.IsMatch(l.Registry))))
            {
                WriteObject(new SwarmRegistry(login.Registry, login.UserName, changed: false));
            }
        }

        private static string KeyOrSelf(string registry)
        {
            try
            {
                return RegistryLoginStore.KeyOf(registry);
            }
            catch (SwarmException)
            {
                return registry;
            }
        }
    }
}

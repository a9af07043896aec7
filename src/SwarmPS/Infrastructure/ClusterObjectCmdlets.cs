using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Objects;
using SwarmPS.Engine.Provisioning;

namespace SwarmPS.Infrastructure
{
    /// <summary>Base of New-SwarmSecret and New-SwarmConfig: a name, a value (piped or given) or a file, labels.</summary>
    public abstract class NewClusterObjectCmdlet : ClusterCmdlet
    {
        protected const string ValueSet = "Value";
        protected const string PathSet = "Path";

        private readonly List<object?> values = new List<object?>();

        internal static ClusterObjectService Objects { get; } = new ClusterObjectService();

        /// <summary>The name: 1 to 64 letters, digits, '-', '_' and '.', starting and ending with a letter or digit.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>A file whose bytes are the value.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = string.Empty;

        /// <summary>Labels, as a hashtable or key=value strings.</summary>
        [Parameter]
        [LabelArgumentTransformation]
        [ValidateNotNullOrEmpty]
        public string[]? Label { get; set; }

        internal abstract ObjectKind Kind { get; }

        /// <summary>The value given or piped in this record.</summary>
        protected abstract object? ValueInput { get; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ValueSet)
            {
                values.Add(ValueInput);
            }
        }

        protected override void EndProcessing()
        {
            string noun = ObjectReference.Noun(Kind);
            byte[] data;
            IReadOnlyDictionary<string, string> labels;
            try
            {
                ObjectReference.RequireName(Name, Kind, Kind == ObjectKind.Secret ? "SecretNameInvalid" : "ConfigNameInvalid");
                labels = EngineLabels.Parse(Label ?? Array.Empty<string>());
                data = ParameterSetName == PathSet ? ReadFile() : ObjectValues.From(values, Kind, Name);
                ClusterObjectService.RequireData(Kind, Name, data);
            }
            catch (SwarmException invalid)
            {
                ThrowTerminatingError(ErrorRecords.From(invalid, Name));
                return;
            }

            try
            {
                ClusterContext context = ResolveContext();
                if (!ShouldProcess(Name, $"Create {noun} '{Name}' ({data.Length} bytes) in cluster '{context.Name}'"))
                {
                    return;
                }

                RunForTarget(Name, $"Creating {noun}s", async reporter => Kind == ObjectKind.Secret
                    ? await Objects.CreateSecretAsync(context, Name, data, labels, reporter, StopToken).ConfigureAwait(false)
                    : await Objects.CreateConfigAsync(context, Name, data, labels, reporter, StopToken).ConfigureAwait(false));
            }
            finally
            {
                Array.Clear(data);
            }
        }

        private byte[] ReadFile()
        {
            string id = Kind == ObjectKind.Secret ? "SecretValueInvalid" : "ConfigValueInvalid";
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            try
            {
                return File.ReadAllBytes(full);
            }
            catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException)
            {
                throw new SwarmException(id, SwarmErrorKind.InvalidArgument,
                    $"Cannot read '{full}' for {ObjectReference.Noun(Kind)} '{Name}': {unreadable.Message} Give a readable file with -Path.", full, unreadable);
            }
        }
    }

    /// <summary>Base of Get-SwarmSecret and Get-SwarmConfig: names with wildcards, one listing from the manager.</summary>
    public abstract class GetClusterObjectCmdlet : ClusterCmdlet
    {
        /// <summary>Names; wildcards allowed. All when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        internal abstract ObjectKind Kind { get; }

        protected override void ProcessRecord()
        {
            ClusterContext context = ResolveContext();
            IReadOnlyList<object> all = ClusterObjectListing.List(this, context, Kind);
            (IReadOnlyList<object> matches, IReadOnlyList<string> missing) = ClusterObjectListing.Select(all, Name);
            foreach (string name in missing)
            {
                string noun = ObjectReference.Noun(Kind);
                WriteError(ErrorRecords.From(new SwarmException(Kind == ObjectKind.Secret ? "SecretNotFound" : "ConfigNotFound", SwarmErrorKind.ObjectNotFound,
                    $"Cluster '{context.Name}' has no {noun} named '{name}'. Get-Swarm{(Kind == ObjectKind.Secret ? "Secret" : "Config")} lists them."), name));
            }

            WriteObject(matches, enumerateCollection: true);
        }
    }

    /// <summary>Base of Remove-SwarmSecret and Remove-SwarmConfig: refused while a container mounts it.</summary>
    public abstract class RemoveClusterObjectCmdlet : ClusterCmdlet
    {
        protected const string NameSet = "Name";
        protected const string ObjectSet = "InputObject";

        private readonly List<string> names = new List<string>();

        /// <summary>Names; wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = Array.Empty<string>();

        internal abstract ObjectKind Kind { get; }

        /// <summary>The names of the objects piped in this record.</summary>
        protected abstract IEnumerable<string> PipedNames { get; }

        protected override void ProcessRecord()
        {
            names.AddRange(ParameterSetName == NameSet ? Name : PipedNames);
        }

        protected override void EndProcessing()
        {
            string noun = ObjectReference.Noun(Kind);
            ClusterContext context = ResolveContext();
            IReadOnlyList<object> all = ClusterObjectListing.List(this, context, Kind);
            (IReadOnlyList<object> matches, IReadOnlyList<string> missing) = ClusterObjectListing.Select(all, names);
            foreach (string name in missing)
            {
                WriteVerbose($"Cluster '{context.Name}' has no {noun} named '{name}'; nothing to remove.");
            }

            foreach (object item in matches.Distinct())
            {
                (string name, IReadOnlyList<string> users) = ClusterObjectListing.NameAndUsers(item);
                if (users.Count > 0)
                {
                    WriteError(ErrorRecords.From(ClusterObjectService.InUse(Kind, name, users), name));
                    continue;
                }

                if (ShouldProcess(name, $"Remove {noun} '{name}' from cluster '{context.Name}'"))
                {
                    RunForTarget(name, $"Removing {noun}s", async reporter =>
                    {
                        await NewClusterObjectCmdlet.Objects.RemoveAsync(context, Kind, name, reporter, StopToken).ConfigureAwait(false);
                        return null;
                    });
                }
            }
        }
    }

    /// <summary>The listing and name selection the secret and config cmdlets share.</summary>
    internal static class ClusterObjectListing
    {
        public static IReadOnlyList<object> List(SwarmCmdlet cmdlet, ClusterContext context, ObjectKind kind)
        {
            IReadOnlyList<object> found = Array.Empty<object>();
            cmdlet.RunAsync(async channel => found = kind == ObjectKind.Secret
                ? (await NewClusterObjectCmdlet.Objects.ListSecretsAsync(context, cmdlet.StopToken).ConfigureAwait(false)).Cast<object>().ToList()
                : (await NewClusterObjectCmdlet.Objects.ListConfigsAsync(context, cmdlet.StopToken).ConfigureAwait(false)).Cast<object>().ToList());
            return found;
        }

        public static (string Name, IReadOnlyList<string> Users) NameAndUsers(object item) => item switch
        {
            SwarmSecret secret => (secret.Name, secret.UsedBy),
            SwarmConfigItem config => (config.Name, config.UsedBy),
            _ => (item.ToString() ?? string.Empty, Array.Empty<string>()),
        };

        /// <summary>The objects the names (wildcards allowed) select, in listing order, and the plain names that matched nothing.</summary>
        public static (IReadOnlyList<object> Matches, IReadOnlyList<string> Missing) Select(IReadOnlyList<object> all, IReadOnlyCollection<string>? names)
        {
            if (names == null)
            {
                return (all, Array.Empty<string>());
            }

            var patterns = names.Select(n => (Name: n, Pattern: new WildcardPattern(n, WildcardOptions.IgnoreCase))).ToList();
            List<object> matches = all.Where(o => patterns.Any(p => p.Pattern.IsMatch(NameAndUsers(o).Name))).ToList();
            List<string> missing = patterns.Where(p => !WildcardPattern.ContainsWildcardCharacters(p.Name) && !all.Any(o => p.Pattern.IsMatch(NameAndUsers(o).Name)))
                .Select(p => p.Name).ToList();
            return (matches, missing);
        }
    }
}

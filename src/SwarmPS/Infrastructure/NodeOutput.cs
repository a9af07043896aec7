using System.Collections.Generic;
using System.Management.Automation;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Writes a SwarmNode with extra members named by dotted paths ("Labels.storage"), because
    /// Where-Object's simplified syntax (Where Labels.storage -eq ssd) looks a member up by that whole
    /// name and does not follow the dots. Select-, Sort- and Group-Object take the same names.
    /// </summary>
    internal static class NodeOutput
    {
        internal static PSObject Wrap(SwarmNode node)
        {
            PSObject wrapped = PSObject.AsPSObject(node);
            AddPaths(wrapped, "Labels", node.Labels);
            AddPaths(wrapped, "NodeLabels", node.NodeLabels);
            AddPaths(wrapped, "EngineLabels", node.EngineLabels);
            return wrapped;
        }

        private static void AddPaths(PSObject wrapped, string prefix, IDictionary<string, string> labels)
        {
            foreach (KeyValuePair<string, string> label in labels)
            {
                string name = prefix + "." + label.Key;
                if (wrapped.Properties[name] == null)
                {
                    wrapped.Properties.Add(new PSNoteProperty(name, label.Value));
                }
            }
        }
    }
}

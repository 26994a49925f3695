/** The element id under which a saved HTML report embeds the host messages its app replays (JSON). */
export const REPORT_DATA_ID = 'quantlens-report-data';

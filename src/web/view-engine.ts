/** The UI's one Handlebars instance, isolated from the renderer's, with the few helpers its views use. */
import Handlebars from 'handlebars';

export const hbs = Handlebars.create();

hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
